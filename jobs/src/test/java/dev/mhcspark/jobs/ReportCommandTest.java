package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.jobs.report.ReportCharts;
import dev.mhcspark.jobs.report.ReportJob;
import dev.mhcspark.jobs.report.ReportSettings;
import dev.mhcspark.jobs.report.RunData;
import dev.mhcspark.jobs.report.RunSeries;
import dev.mhcspark.jobs.report.RunSeries.Point;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mhc report} on two real Spark training runs (residual and mHC, 2 workers, 2 epochs): the PNGs decode at
 * the asked size, report.md's table repeats the summaries, and every chart series equals the same aggregate
 * computed here in plain Java from the metrics rows.
 */
class ReportCommandTest {
    /** The first two colours of the report's palette: run 0 and run 1. */
    private static final int[] RUN_COLOURS = {0x4E79A7, 0xE15759};

    @TempDir
    static Path tmp;

    private static Path residual;
    private static Path mhc;

    @BeforeAll
    static void trainTwoRuns() throws Exception {
        // 2 KB of text at T = 16: one averaging round of 2 workers x 8 minibatches of 4 per epoch
        Path dataset = SparkRuns.tokenize(tmp, 2_000, 16);
        residual = SparkRuns.train(dataset, tmp.resolve("residual-run"), "residual", 2);
        mhc = SparkRuns.train(dataset, tmp.resolve("mhc-run"), "mhc", 2);
    }

    @Test
    void twoRunsGiveOverlaidChartsAndATableOfTheirSummaries() throws Exception {
        Path out = tmp.resolve("report");
        Cli cli = Cli.run("report", residual.toString(), mhc.toString(), "--out", out.toString(), "--title",
                "Residual vs mHC", "--width", "640", "--height", "420");
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        System.err.println(cli.out());
        assertTrue(cli.out().contains("report: drew loss.png"), cli.out());

        for (String png : List.of(ReportCharts.LOSS, ReportCharts.GAIN_BY_LAYER, ReportCharts.GAIN_BY_STEP)) {
            BufferedImage image = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(image, png + " does not decode as an image");
            assertEquals(640, image.getWidth(), png);
            assertEquals(420, image.getHeight(), png);
            for (int colour : RUN_COLOURS) {
                assertTrue(hasColour(image, colour), png + " has nothing in run colour " + Integer.toHexString(colour));
            }
        }
        // the workers record grad_norm: it gets its chart
        assertTrue(Files.exists(out.resolve(ReportCharts.GRAD_NORM)));
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.startsWith("# Residual vs mHC\n"), md);
        for (String png : List.of(ReportCharts.LOSS, ReportCharts.GAIN_BY_LAYER, ReportCharts.GAIN_BY_STEP)) {
            assertTrue(md.contains("](" + png + ")"), md);
        }
        assertTrue(md.contains("None: no run has `event_*` metrics."), md);

        Map<String, Map<String, String>> table = table(md, "## Summary");
        assertEquals(List.of("residual-run", "mhc-run"), List.copyOf(table.keySet()));
        for (Path run : List.of(residual, mhc)) {
            JsonNode summary = RunDirectory.JSON.readTree(run.resolve("summary.json").toFile());
            Map<String, String> row = table.get(run.getFileName().toString());
            assertEquals(summary.get("connection").asText(), row.get("connection"));
            assertEquals(summary.get("steps").asLong(), Long.parseLong(row.get("steps").replace(",", "")));
            assertEquals(summary.get("tokens").asLong(), Long.parseLong(row.get("tokens").replace(",", "")));
            Map<String, String> sixDigits = Map.of("initial loss", "initial_loss", "final loss", "final_loss",
                    "val loss", "final_val_loss", "max gain fwd", "max_composite_gain_forward", "max gain bwd",
                    "max_composite_gain_backward", "min column sum", "min_composite_column_sum",
                    "max Sinkhorn residual", "max_sinkhorn_residual");
            sixDigits.forEach((header, field) -> {
                double expected = summary.get(field).asDouble();
                // six significant digits: within half a unit of the sixth
                assertEquals(expected, Double.parseDouble(row.get(header)), Math.abs(expected) * 5e-6 + 1e-300,
                        run.getFileName() + " " + header);
            });
            assertEquals(summary.get("tokens_per_second").asDouble(),
                    Double.parseDouble(row.get("tok/s").replace(",", "")), 0.5);
            assertEquals(summary.get("wall_seconds").asDouble(), Double.parseDouble(row.get("wall s")), 0.05);
            assertEquals(summary.get("diverged").asBoolean() ? "**yes**" : "no", row.get("diverged"));
        }
        assertNotEquals(table.get("residual-run").get("max gain bwd"), table.get("mhc-run").get("max gain bwd"),
                "two different connections should not print identical gains: " + md);
        assertEquals(List.of("report"), hiddenAndReportEntries());
        assertTrue(Cli.run("--help").out().contains("report"), "mhc --help lists report");
    }

    @Test
    void chartSeriesEqualAnIndependentComputationFromTheMetricsRows() throws Exception {
        SparkSession spark = session();
        try {
            for (Path run : List.of(residual, mhc)) {
                RunSeries series = RunSeries.of(RunData.load(spark, run.toString()));
                List<Row> rows = spark.read().parquet(run.resolve("metrics").toString()).collectAsList();
                String name = run.getFileName().toString();

                Map<Long, List<Double>> loss = byStep(rows, r -> metric(r, "loss") && worker(r) >= 0);
                assertSeries(means(loss), series.loss(), name + " loss");
                assertTrue(loss.values().stream().anyMatch(v -> v.size() == 2 && !v.get(0).equals(v.get(1))),
                        "both workers record a step with different losses, so the mean is tested");
                assertSeries(means(byStep(rows, r -> metric(r, "val_loss") && worker(r) == -1)), series.valLoss(),
                        name + " val_loss");
                assertTrue(series.valLoss().size() >= 2, "validation at step 0 and at the end");
                assertSeries(maxima(byStep(rows, r -> metric(r, "max_composite_gain_forward"))),
                        series.maxGainForward(), name + " max gain forward");
                assertSeries(maxima(byStep(rows, r -> metric(r, "max_composite_gain_backward"))),
                        series.maxGainBackward(), name + " max gain backward");
                assertSeries(means(byStep(rows, r -> metric(r, "grad_norm") && worker(r) >= 0)), series.gradNorm(),
                        name + " grad_norm");
                assertTrue(series.events().isEmpty());

                // by layer: the rows of the last step that has per-layer composite gains
                long last = rows.stream().filter(r -> !r.isNullAt(r.fieldIndex("layer")) && worker(r) == -1
                        && r.<String>getAs("metric").startsWith("composite_gain_")).mapToLong(r -> r.getAs("step"))
                        .max().orElseThrow();
                assertEquals(last, series.compositeStep());
                for (String direction : List.of("forward", "backward")) {
                    TreeMap<Double, Double> byLayer = new TreeMap<>();
                    for (Row r : rows) {
                        if (metric(r, "composite_gain_" + direction) && r.<Long>getAs("step") == last
                                && worker(r) == -1) {
                            double layer = Integer.parseInt(r.<String>getAs("layer").substring("sublayer_".length()));
                            assertNull(byLayer.put(layer, r.getAs("value")), "one row per layer and step");
                        }
                    }
                    assertEquals(4, byLayer.size(), "2 blocks = 4 sublayers");
                    assertSeries(byLayer, direction.equals("forward") ? series.compositeForwardByLayer()
                            : series.compositeBackwardByLayer(), name + " composite " + direction);
                }

                // and the series agree with what the trainer summarised
                JsonNode summary = RunDirectory.JSON.readTree(run.resolve("summary.json").toFile());
                assertEquals(summary.get("initial_loss").asDouble(), series.loss().get(0).y(), 1e-9);
                assertEquals(summary.get("final_val_loss").asDouble(),
                        series.valLoss().get(series.valLoss().size() - 1).y(), 1e-9);
                assertEquals(summary.get("max_composite_gain_forward").asDouble(),
                        series.maxGainForward().stream().mapToDouble(Point::y).max().orElseThrow(), 1e-12);
                assertEquals(summary.get("max_composite_gain_backward").asDouble(),
                        series.maxGainBackward().stream().mapToDouble(Point::y).max().orElseThrow(), 1e-12);
            }
        } finally {
            spark.stop();
        }
    }

    /**
     * Gradient norms and divergence events are being added to the trainers: a copy of the mHC run with such rows
     * appended (per worker and step, as the contract has them) gets grad_norm.png, events marked on the loss chart
     * and listed in report.md, and a non-finite loss left out of the chart with a note.
     */
    @Test
    void gradientNormsAndDivergenceEventsAreChartedAndListed() throws Exception {
        Path run = copy(mhc, tmp.resolve("mhc-events"));
        // the settings file's new name wins over the old one
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) RunDirectory.JSON.readTree(
                run.resolve("config.json").toFile());
        RunDirectory.JSON.writeValue(run.resolve("config.json").toFile(), config.put("data", "renamed-dataset"));
        Path out = tmp.resolve("events-report");
        SparkSession spark = session();
        ReportJob.Result result;
        List<Row> rows;
        long lastStep;
        try {
            String metrics = run.resolve("metrics").toString();
            List<Row> original = spark.read().parquet(metrics).collectAsList();
            lastStep = original.stream().filter(r -> metric(r, "loss")).mapToLong(r -> r.getAs("step")).max()
                    .orElseThrow();
            List<MetricRecord> extra = new ArrayList<>();
            extra.add(new MetricRecord(lastStep + 1, 0, "loss", null, Double.NaN));
            extra.add(new MetricRecord(lastStep + 1, 0, "event_nonfinite_loss", null, Double.NaN));
            extra.add(new MetricRecord(5, 1, "event_loss_spike", null, 9.5));
            extra.add(new MetricRecord(lastStep, MetricRecord.DRIVER, "event_gain_threshold", "sublayer_2", 123.0));
            spark.createDataFrame(extra.stream().map(r -> r.toRow("mhc-events")).toList(), MetricRecord.SCHEMA)
                    .write().mode(SaveMode.Append).parquet(metrics);
            rows = spark.read().parquet(metrics).collectAsList();
            List<String> progress = new ArrayList<>();
            result = new ReportJob(spark, new ReportSettings(List.of(mhc.toString(), run.toString()),
                    out.toString(), "events", false, 500, 300, ""), progress::add).run();
            assertTrue(progress.contains("report: drew grad_norm.png"), progress.toString());
        } finally {
            spark.stop();
        }

        RunSeries series = result.series().get(1);
        assertEquals("mhc-events (mhc)", series.label());
        assertSeries(means(byStep(rows, r -> metric(r, "grad_norm") && worker(r) >= 0)), series.gradNorm(),
                "grad_norm");
        TreeMap<Double, Double> loss = means(byStep(rows, r -> metric(r, "loss") && worker(r) >= 0));
        assertTrue(Double.isNaN(loss.lastEntry().getValue()), "the NaN loss makes its step's mean NaN");
        assertSeries(loss, series.loss(), "loss with a NaN step");
        assertEquals(List.of("event_loss_spike", "event_gain_threshold", "event_nonfinite_loss"),
                series.events().stream().map(RunSeries.Event::metric).toList());

        // events sit on the loss curve: at their step, or the last finite loss before it
        ReportCharts.Chart lossChart = result.charts().get(0);
        double[] marks = lossChart.chart().getSeriesMap().get("mhc-events (mhc) events").getYData();
        assertEquals(List.of(loss.get(5.0), loss.get((double) lastStep), loss.get((double) lastStep)),
                Arrays.stream(marks).boxed().toList());
        assertTrue(lossChart.notes().contains("mhc-events (mhc) train: 1 of " + loss.size()
                + " points not drawn (not finite)"), lossChart.notes().toString());

        BufferedImage gradNorm = ImageIO.read(out.resolve(ReportCharts.GRAD_NORM).toFile());
        assertEquals(500, gradNorm.getWidth());
        assertEquals(300, gradNorm.getHeight());
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("![Gradient norm](grad_norm.png)"), md);
        assertTrue(md.contains("| mhc-events | mhc | 2 blocks, d_model 16, n 4, T 16 | renamed-dataset | file:" + run
                + " |"), md);
        assertTrue(md.contains("| mhc-events (mhc) | 5 | 1 | event_loss_spike | – | 9.5 |"), md);
        assertTrue(md.contains("| mhc-events (mhc) | " + lastStep + " | driver | event_gain_threshold | sublayer_2 | "
                + "123 |"), md);
        assertTrue(md.contains("| mhc-events (mhc) | " + (lastStep + 1) + " | 0 | event_nonfinite_loss | – | NaN |"),
                md);
    }

    @Test
    void badRunDirectoriesAreRefusedNamingThem() throws Exception {
        Path noSummary = copy(residual, tmp.resolve("no-summary"));
        Files.delete(noSummary.resolve("summary.json"));
        Path noMetrics = Files.createDirectories(tmp.resolve("no-metrics"));
        Files.copy(residual.resolve("summary.json"), noMetrics.resolve("summary.json"));
        Path emptyMetrics = Files.createDirectories(tmp.resolve("empty-metrics").resolve("metrics")).getParent();
        Files.copy(residual.resolve("summary.json"), emptyMetrics.resolve("summary.json"));
        Path badJson = copy(residual, tmp.resolve("bad-json"));
        Files.writeString(badJson.resolve("summary.json"), "{\"steps\": 3,");

        assertRefused("run dir " + noSummary + ": no summary.json", residual.toString(), noSummary.toString());
        assertRefused("run dir " + noMetrics + ": no metrics/ directory", noMetrics.toString());
        assertRefused("run dir " + emptyMetrics + ": metrics/ is not a readable Parquet dataset",
                emptyMetrics.toString());
        assertRefused("run dir " + badJson + ": summary.json is not valid JSON", badJson.toString());
        assertRefused("run dir " + tmp.resolve("nowhere") + ": does not exist", tmp.resolve("nowhere").toString());
        assertRefused("run dirs: " + residual + "/ is given twice", residual.toString(), residual + "/");
        assertFalse(Files.exists(tmp.resolve("refused")), "no report for refused input");
    }

    @Test
    void anExistingOutIsReplacedOnlyWhenEmptyOrWithOverwrite() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("existing"));
        Cli empty = Cli.run("report", residual.toString(), "--out", out.toString());
        assertEquals(0, empty.exit(), empty.out() + empty.err());
        assertTrue(Files.exists(out.resolve("report.md")));

        Files.writeString(out.resolve("notes.txt"), "mine");
        Cli refused = Cli.run("report", residual.toString(), "--out", out.toString());
        assertEquals(2, refused.exit(), refused.out() + refused.err());
        assertTrue(refused.err().contains("mhc report: --out " + out + ": already exists and is not an empty "
                + "directory; choose another directory or pass --overwrite"), refused.err());
        assertTrue(Files.exists(out.resolve("notes.txt")));

        Cli intoRun = Cli.run("report", residual.toString(), "--out", residual.toString(), "--overwrite");
        assertEquals(2, intoRun.exit(), intoRun.out() + intoRun.err());
        assertTrue(intoRun.err().contains("is or contains run dir " + residual), intoRun.err());
        assertTrue(Files.exists(residual.resolve("summary.json")), "the run is untouched");

        Cli replaced = Cli.run("report", residual.toString(), "--out", out.toString(), "--overwrite");
        assertEquals(0, replaced.exit(), replaced.out() + replaced.err());
        assertFalse(Files.exists(out.resolve("notes.txt")), "--overwrite replaces the whole directory");
        assertTrue(Files.readString(out.resolve("report.md")).contains("| residual-run | residual |"));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".existing.")),
                    "no temporary or old directory is left beside --out");
        }
    }

    private static void assertRefused(String expected, String... runDirs) {
        List<String> args = new ArrayList<>(List.of("report"));
        args.addAll(List.of(runDirs));
        args.addAll(List.of("--out", tmp.resolve("refused").toString()));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertEquals(2, cli.exit(), cli.out() + cli.err());
        assertTrue(cli.err().contains("mhc report: " + expected), "expected '" + expected + "' in: " + cli.err());
    }

    private static SparkSession session() {
        return SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1").getOrCreate();
    }

    private static boolean metric(Row r, String name) {
        return name.equals(r.getAs("metric"));
    }

    private static int worker(Row r) {
        return r.getAs("worker");
    }

    /** Values per step of the rows that match, whole-model rows only (layer null). */
    private static Map<Long, List<Double>> byStep(List<Row> rows, Predicate<Row> which) {
        Map<Long, List<Double>> byStep = new TreeMap<>();
        for (Row r : rows) {
            if (which.test(r) && r.isNullAt(r.fieldIndex("layer"))) {
                byStep.computeIfAbsent(r.getAs("step"), s -> new ArrayList<>()).add(r.getAs("value"));
            }
        }
        return byStep;
    }

    private static TreeMap<Double, Double> means(Map<Long, List<Double>> byStep) {
        TreeMap<Double, Double> means = new TreeMap<>();
        byStep.forEach((step, values) -> {
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            means.put((double) step, sum / values.size());
        });
        return means;
    }

    private static TreeMap<Double, Double> maxima(Map<Long, List<Double>> byStep) {
        TreeMap<Double, Double> maxima = new TreeMap<>();
        byStep.forEach((step, values) -> maxima.put((double) step, values.stream().mapToDouble(v -> v).max()
                .orElseThrow()));
        return maxima;
    }

    private static void assertSeries(TreeMap<Double, Double> expected, List<Point> actual, String what) {
        assertFalse(expected.isEmpty(), what + ": the run has such rows");
        assertEquals(List.copyOf(expected.keySet()), actual.stream().map(Point::x).toList(), what + " x");
        int i = 0;
        for (double y : expected.values()) {
            double got = actual.get(i++).y();
            if (Double.isNaN(y)) {
                assertTrue(Double.isNaN(got), what);
            } else {
                assertEquals(y, got, Math.abs(y) * 1e-12, what + " at x = " + actual.get(i - 1).x());
            }
        }
    }

    /** The rows of the Markdown table under {@code heading}: first cell -> header -> cell. */
    private static Map<String, Map<String, String>> table(String md, String heading) {
        List<String> lines = md.substring(md.indexOf(heading)).lines().filter(l -> l.startsWith("|")).toList();
        List<String> headers = cells(lines.get(0));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(2, lines.size())) {
            List<String> cells = cells(line);
            if (cells.size() != headers.size()) {
                break;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < headers.size(); i++) {
                row.put(headers.get(i), cells.get(i));
            }
            rows.put(cells.get(0), row);
        }
        return rows;
    }

    private static List<String> cells(String line) {
        return Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::trim).toList();
    }

    /** A pixel within a small distance of the colour (anti-aliasing blends line edges). */
    private static boolean hasColour(BufferedImage image, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 0xFF) - ((rgb >> 16) & 0xFF)) + Math.abs(((p >> 8) & 0xFF)
                        - ((rgb >> 8) & 0xFF)) + Math.abs((p & 0xFF) - (rgb & 0xFF));
                if (d <= 6) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<String> hiddenAndReportEntries() throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".report") || n.equals(
                    "report")).sorted().toList();
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }
}

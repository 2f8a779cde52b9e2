package dev.mhcspark.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.notebooks.NoteSession.NoteRun;
import dev.mhcspark.notebooks.NoteSession.ParagraphResult;
import dev.mhcspark.notebooks.ZeppelinNote.NoteParagraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every note in notebooks/ parsed with Zeppelin's own classes and run paragraph by paragraph against real outputs of
 * {@code bin/mhc} (see {@link ProjectOutputs}); each note's tables are checked against the same numbers computed
 * here, in Java, straight from the files.
 */
class NotebooksTest {
    private static final Path NOTEBOOKS = Path.of(".");
    private static final Set<String> CHECKED_INTERPRETERS = Set.of("md", "spark", "spark.sql");
    private static final Pattern Z_CONTEXT = Pattern.compile("(^|[^\\w.])z\\.");

    @TempDir
    static Path tmp;

    private static ProjectOutputs outputs;

    @BeforeAll
    static void produceOutputs() throws IOException {
        outputs = ProjectOutputs.produce(tmp.resolve("outputs"));
    }

    @Test
    void everyNoteParsesWithZeppelinAndUsesOnlyWhatTheCheckRuns() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(NOTEBOOKS)) {
            files = list.filter(f -> f.toString().endsWith(".zpln")).sorted().toList();
        }
        assertEquals(List.of("data.zpln", "eval.zpln", "runs.zpln"),
                files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path file : files) {
            ZeppelinNote note = ZeppelinNote.read(file);
            assertEquals(file.getFileName().toString().replace(".zpln", ""), note.name());
            List<NoteParagraph> code = note.paragraphs().stream().filter(p -> !p.interpreter().equals("md")).toList();
            assertEquals(NoteSession.PARAMETERS_TITLE, code.get(0).title(), note.describe() + ": parameters first");
            for (NoteParagraph p : note.paragraphs()) {
                assertTrue(CHECKED_INTERPRETERS.contains(p.interpreter()), note.describe() + " " + p.describe());
                assertTrue(p.title() != null || p.interpreter().equals("md"), note.describe() + " " + p.describe()
                        + " has no title");
                // the z context does not exist headlessly: a paragraph using it could not be checked
                assertFalse(p.interpreter().equals("spark") && Z_CONTEXT.matcher(p.script()).find(),
                        note.describe() + " " + p.describe() + " uses z");
            }
            assertTrue(note.paragraphs().stream().anyMatch(p -> p.interpreter().equals("spark.sql")));
        }
    }

    @Test
    void runsNotePlotsEveryRunAndFlagsTheDivergingOne() throws IOException {
        Path residual = outputs.runs().get(0);
        Path mhc = outputs.runs().get(1);
        ZeppelinNote note = ZeppelinNote.read(NOTEBOOKS.resolve("runs.zpln"));
        try (NoteSession session = NoteSession.start(tmp)) {
            Path diverging = divergingCopy(session.spark(), mhc);
            Path single = outputs.singleProcessRun();
            List<Path> runDirs = List.of(residual, mhc, diverging, single);
            NoteRun run = session.run(note, Map.of("runDirs", scalaSeq(runDirs)));

            // metrics as recorded, read here row by row: run -> rows (runs with a metrics/ directory)
            Map<String, List<Row>> metrics = new TreeMap<>();
            for (Path dir : runDirs) {
                if (Files.isDirectory(dir.resolve("metrics"))) {
                    metrics.put(dir.getFileName().toString(),
                            session.spark().read().parquet(dir.resolve("metrics").toString()).collectAsList());
                }
            }
            assertEquals(Set.of("residual-run", "mhc-run", "mhc-diverging"), metrics.keySet().stream()
                    .filter(r -> !r.equals("hc-single")).collect(Collectors.toSet()));

            String loaded = run.byTitle("Load runs: summary.json, config and metrics/").output();
            if (!metrics.containsKey("hc-single")) {
                assertTrue(loaded.contains("hc-single: no metrics/ in " + single + " (single-process and older runs "
                        + "keep metrics.jsonl instead): no curves for it"), loaded);
            }
            for (Map.Entry<String, List<Row>> e : metrics.entrySet()) {
                Set<String> names = e.getValue().stream().map(r -> r.getString(3)).collect(Collectors.toSet());
                List<String> missing = Stream.of("loss", "val_loss", "grad_norm", "max_composite_gain_forward",
                        "max_composite_gain_backward", "composite_gain_forward", "composite_gain_backward",
                        "state_rms").filter(m -> !names.contains(m)).toList();
                String line = loaded.lines().filter(l -> l.startsWith(e.getKey() + " ")).findFirst().orElseThrow();
                assertTrue(line.contains(String.format("%,d metric records", e.getValue().size())), line);
                assertTrue(line.endsWith(missing.isEmpty() ? "every charted metric recorded"
                        : "not recorded (no curve): " + String.join(", ", missing)), line);
            }

            List<Row> runsTable = run.byTitle("Runs").rows();
            assertEquals(List.of("hc-single", "mhc-diverging", "mhc-run", "residual-run"), column(runsTable, 0));
            for (Row r : runsTable) {
                JsonNode summary = ProjectOutputs.readJson(runDirs.stream()
                        .filter(d -> d.getFileName().toString().equals(r.getString(0))).findFirst().orElseThrow()
                        .resolve("summary.json"));
                assertEquals(summary.get("connection").asText(), r.getAs("connection"));
                assertEquals(r.getString(0).equals("hc-single") ? 1 : 2, r.<Integer>getAs("blocks"));
                assertEquals(16, r.<Integer>getAs("d_model"));
                assertEquals(r.getString(0).startsWith("residual") ? 1 : 4, r.<Integer>getAs("streams"));
                assertEquals(summary.get("steps").asLong(), r.<Long>getAs("steps"));
                assertEquals(summary.get("final_loss").asDouble(), r.<Double>getAs("final_loss"), 5.1e-5);
                assertEquals(summary.get("final_val_loss").asDouble(), r.<Double>getAs("final_val_loss"), 5.1e-5);
            }

            // training loss: mean over the workers' records per step, and its trailing mean over 5 recorded steps
            List<Row> loss = run.byTitle("Training loss (mean over workers)").rows();
            int checked = 0;
            for (Map.Entry<String, List<Row>> e : metrics.entrySet()) {
                TreeMap<Long, double[]> sums = new TreeMap<>();
                for (Row r : e.getValue()) {
                    if (r.getString(3).equals("loss")) {
                        double[] s = sums.computeIfAbsent(r.getLong(1), k -> new double[2]);
                        s[0] += r.getDouble(5);
                        s[1]++;
                    }
                }
                List<Double> means = sums.values().stream().map(s -> s[0] / s[1]).toList();
                List<Row> noteRows = loss.stream().filter(r -> r.getString(1).equals(e.getKey())).toList();
                assertEquals(new ArrayList<>(sums.keySet()), column(noteRows, 0));
                // the Spark runs train many steps; the single-process hc run exactly its 6, one loss record each
                assertTrue(e.getKey().equals("hc-single") ? means.size() == 6 : means.size() > 20,
                        e.getKey() + ": steps recorded: " + means.size());
                for (int i = 0; i < means.size(); i++) {
                    double window = 0;
                    int n = Math.min(5, i + 1);
                    for (int j = i - n + 1; j <= i; j++) {
                        window += means.get(j);
                    }
                    assertEquals(means.get(i), noteRows.get(i).getDouble(3), 1e-12);
                    assertEquals(window / n, noteRows.get(i).getDouble(2), 1e-12);
                    checked++;
                }
            }
            assertEquals(loss.size(), checked);

            // validation loss: the last point is the run's final validation loss
            List<Row> val = run.byTitle("Validation loss").rows();
            for (Path dir : List.of(residual, mhc, diverging)) {
                String label = dir.getFileName().toString();
                List<Row> rows = val.stream().filter(r -> r.getString(1).equals(label)).toList();
                // the trainer validates at step 0, every --eval-every (100) steps and at the end (step 30)
                assertEquals(2, rows.size(), "step 0 and the last step: " + rows);
                assertEquals(ProjectOutputs.readJson(dir.resolve("summary.json")).get("final_val_loss").asDouble(),
                        rows.get(1).getDouble(2), 1e-12);
            }

            // gradient norm: one point per recorded step, where recorded (not yet by every trainer)
            long gradSteps = metrics.entrySet().stream().mapToLong(e -> e.getValue().stream()
                    .filter(r -> r.getString(3).equals("grad_norm")).map(r -> r.getLong(1)).distinct().count()).sum();
            assertEquals(gradSteps, run.byTitle("Gradient norm (mean over workers)").rows().size());

            // composite gain per layer at the last probe: 2 blocks = 4 sublayers per run, the recorded values
            List<Row> lastGains = run.byTitle("Composite gain per layer (last probe)").rows();
            assertEquals(metrics.values().stream().mapToLong(rows -> rows.stream()
                    .filter(m -> m.getString(3).equals("composite_gain_forward")).map(m -> m.getString(4)).distinct()
                    .count()).sum(), lastGains.size());
            assertTrue(lastGains.size() >= 3 * 4, "2 blocks = 4 sublayers per Spark run: " + lastGains);
            for (Row r : lastGains) {
                List<Row> forward = metrics.get(r.getString(2)).stream()
                        .filter(m -> m.getString(3).equals("composite_gain_forward") && m.getString(4).equals(
                                r.getString(1))).toList();
                long lastStep = forward.stream().mapToLong(m -> m.getLong(1)).max().orElseThrow();
                // workers and driver all probe the last step: the note shows the largest gain among them
                double expected = forward.stream().filter(m -> m.getLong(1) == lastStep)
                        .mapToDouble(m -> m.getDouble(5)).max().orElseThrow();
                assertEquals(expected, r.getDouble(3), 0.0);
                assertEquals(Integer.parseInt(r.getString(1).substring("sublayer_".length())), r.getInt(0));
            }

            String verdicts = run.byTitle("Divergence check").output();
            assertTrue(verdicts.contains(String.format("%-32s no sign of divergence", "residual-run")), verdicts);
            assertTrue(verdicts.contains(String.format("%-32s no sign of divergence", "mhc-run")), verdicts);
            assertTrue(verdicts.contains(String.format("%-32s no sign of divergence", "hc-single")), verdicts);
            long steps = ProjectOutputs.readJson(mhc.resolve("summary.json")).get("steps").asLong();
            assertTrue(verdicts.contains(String.format("%-32s DIVERGENCE: 3 flags from step 6 (event_loss_spike, "
                    + "gain_above_alarm, summary_diverged)", "mhc-diverging")), verdicts);
            List<Row> flags = run.byTitle("Divergence flags").rows();
            assertEquals(List.of("mhc-diverging;6;0;event_loss_spike;9.5", "mhc-diverging;8;-1;gain_above_alarm;123.0",
                    "mhc-diverging;" + steps + ";-1;summary_diverged;1.0"),
                    flags.stream().map(r -> r.get(0) + ";" + r.get(1) + ";" + r.get(2) + ";" + r.get(4) + ";"
                            + r.get(5)).toList());

            // a directory that is not a run: a clear error naming the file
            ParagraphFailure failure = assertThrows(ParagraphFailure.class, () -> session.run(note,
                    Map.of("runDirs", scalaSeq(List.of(tmp.resolve("not-a-run"))))));
            assertTrue(failure.getMessage().contains("paragraph 2 'Load runs: summary.json, config and metrics/' "
                    + "(%spark) failed") && failure.getMessage().contains(tmp.resolve("not-a-run").resolve(
                    "summary.json") + ": no such file; expected a finished run of bin/mhc train"), failure.getMessage());
        }
    }

    @Test
    void dataNoteMatchesTheManifestAndTheTokensInTheShards() {
        DatasetManifest manifest = DatasetManifest.read(outputs.dataset().toString(), new Configuration());
        int rowLength = manifest.seqLen() + 1;
        int eod = manifest.tokenizer().endOfDocument();
        ZeppelinNote note = ZeppelinNote.read(NOTEBOOKS.resolve("data.zpln"));
        try (NoteSession session = NoteSession.start(tmp)) {
            NoteRun run = session.run(note, Map.of("datasetDir", scalaString(outputs.dataset().toString()),
                    "topTokens", "10"));

            List<Row> splits = run.byTitle("Splits (as manifest.json states them)").rows();
            assertEquals(List.of("train", "val"), column(splits, 0));
            for (Row r : splits) {
                DatasetManifest.SplitInfo info = manifest.split(r.getString(0));
                assertEquals(List.of(info.documents(), info.bytes(), info.tokens(), info.sequences(),
                        info.droppedTailTokens(), (long) info.shards().size()), List.of(r.getLong(1), r.getLong(2),
                        r.getLong(3), r.getLong(4), r.getLong(5), (long) r.getInt(6)));
            }
            assertTrue(run.byTitle("Check the shards against manifest.json").output().contains(
                    "every shard holds what manifest.json says (4 shards, rows of " + rowLength + " tokens)"));
            List<Row> shards = run.byTitle("Shards").rows();
            assertEquals(4, shards.size());
            assertTrue(shards.stream().allMatch(r -> r.getBoolean(7)), shards.toString());

            for (String split : List.of("train", "val")) {
                // the split's token stream, rebuilt here from the Parquet rows in seq_index order
                List<Row> rows = new ArrayList<>(session.spark().read()
                        .parquet(outputs.dataset().resolve(split).toString()).collectAsList());
                rows.sort(java.util.Comparator.comparingLong(r -> r.getLong(r.fieldIndex("seq_index"))));
                List<Integer> stream = new ArrayList<>();
                Map<Integer, Long> eodPerRow = new TreeMap<>();
                for (Row r : rows) {
                    List<Integer> tokens = r.getList(r.fieldIndex("tokens"));
                    assertEquals(rowLength, tokens.size());
                    stream.addAll(tokens);
                    eodPerRow.merge((int) tokens.stream().filter(t -> t == eod).count(), 1L, Long::sum);
                }
                Map<Integer, Long> counts = new HashMap<>();
                stream.forEach(t -> counts.merge(t, 1L, Long::sum));
                double entropy = 0;
                for (long c : counts.values()) {
                    double p = (double) c / stream.size();
                    entropy -= p * Math.log(p) / Math.log(2);
                }
                Row summary = only(run.byTitle("Vocabulary coverage and unigram entropy").rows(), split);
                assertEquals((long) manifest.split(split).sequences() * rowLength, summary.getLong(1));
                assertEquals((long) stream.size(), summary.getLong(1));
                assertEquals(counts.size(), summary.getLong(2));
                assertEquals(entropy, summary.getDouble(5), 5.1e-5);

                List<String> expectedTop = counts.entrySet().stream()
                        .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed()
                                .thenComparing(Map.Entry.comparingByKey()))
                        .limit(10).map(e -> e.getKey() + "=" + e.getValue()).toList();
                assertEquals(expectedTop, run.byTitle("Most frequent tokens").rows().stream()
                        .filter(r -> r.getString(0).equals(split)).map(r -> r.getInt(2) + "=" + r.getLong(4)).toList());

                Map<Integer, Long> noteEod = new TreeMap<>();
                run.byTitle("Document boundaries per sequence").rows().stream().filter(r -> r.getString(1).equals(split))
                        .forEach(r -> noteEod.put(r.getInt(0), r.getLong(2)));
                assertEquals(eodPerRow, noteEod);

                // documents: from the start (or after an end-of-document token) to the next one, inclusive
                List<Integer> lengths = new ArrayList<>();
                int previous = -1;
                for (int i = 0; i < stream.size(); i++) {
                    if (stream.get(i) == eod) {
                        lengths.add(i - previous);
                        previous = i;
                    }
                }
                Row docs = only(run.byTitle("Document lengths (tokens)").rows(), split);
                assertEquals(lengths.size(), docs.getLong(1));
                assertEquals(lengths.stream().mapToInt(Integer::intValue).average().orElseThrow(), docs.getDouble(2),
                        5.1e-3);
                assertEquals(lengths.stream().mapToInt(Integer::intValue).max().orElseThrow(), docs.getLong(5));
                assertTrue(lengths.size() > 3, "documents in " + split + ": " + lengths.size());
            }
        }
    }

    @Test
    void evalNoteShowsEveryRunsScoresSideBySide() throws IOException {
        ZeppelinNote note = ZeppelinNote.read(NOTEBOOKS.resolve("eval.zpln"));
        List<String> labels = outputs.evalDirs().stream().map(d -> d.getFileName().toString()).toList();
        assertEquals(List.of("residual-run", "mhc-run"), labels);
        try (NoteSession session = NoteSession.start(tmp)) {
            NoteRun run = session.run(note, Map.of("evalDirs", scalaSeq(outputs.evalDirs())));

            // per-example files, read here: run -> suite -> lines
            Map<String, Map<String, List<JsonNode>>> examples = new TreeMap<>();
            for (Path dir : outputs.evalDirs()) {
                for (String suite : List.of("bbh", "drop")) {
                    List<JsonNode> lines = new ArrayList<>();
                    for (String line : Files.readAllLines(dir.resolve(suite).resolve("per_example.jsonl"),
                            StandardCharsets.UTF_8)) {
                        lines.add(ProjectOutputs.JSON.readTree(line));
                    }
                    examples.computeIfAbsent(dir.getFileName().toString(), k -> new TreeMap<>()).put(suite, lines);
                }
            }

            List<Row> overall = run.byTitle("Overall scores").rows();
            assertEquals(List.of("bbh", "bbh", "drop", "drop"), column(overall, 0));
            for (Row r : overall) {
                JsonNode summary = ProjectOutputs.readJson(outputs.evalDirs().get(labels.indexOf(r.getString(1)))
                        .resolve(r.getString(0)).resolve("summary.json"));
                assertEquals(summary.get("examples").asLong(), r.getLong(2));
                if (r.getString(0).equals("bbh")) {
                    assertEquals(summary.get("micro").get("exact_match").asDouble(), r.getDouble(4), 0.0);
                    assertEquals(summary.get("macro").get("exact_match").asDouble(), r.getDouble(5), 0.0);
                } else {
                    assertEquals(summary.get("micro").get("f1").asDouble(), r.getDouble(7), 0.0);
                    assertEquals(summary.get("macro").get("em").asDouble(), r.getDouble(8), 0.0);
                }
            }

            // BBH exact match per task, recomputed from the per-example files; by construction residual-run is right
            // on 2 of each task's 4 questions and mhc-run on 3
            List<Row> bbh = run.byTitle("BBH exact match per task").rows();
            assertEquals(ProjectOutputs.BBH_TASKS.size() * 2, bbh.size());
            for (Row r : bbh) {
                List<JsonNode> lines = examples.get(r.getString(1)).get("bbh").stream()
                        .filter(l -> l.get("task").asText().equals(r.getString(0))).toList();
                double recomputed = lines.stream().filter(l -> l.get("correct").asBoolean()).count()
                        / (double) lines.size();
                assertEquals(recomputed, r.getDouble(2), 0.0);
                assertEquals(r.getString(1).equals("mhc-run") ? 0.75 : 0.5, r.getDouble(2), 0.0);
            }
            ParagraphResult wide = run.byTitle("BBH exact match per task, runs side by side");
            assertEquals(List.of("task", "residual-run", "mhc-run"), List.of(wide.schema().fieldNames()));
            assertEquals(ProjectOutputs.BBH_TASKS.stream().map(t -> t + ";0.5;0.75").toList(),
                    wide.rows().stream().map(r -> r.get(0) + ";" + r.get(1) + ";" + r.get(2)).toList());

            // DROP per answer type: EM and F1 means recomputed from the per-example files, side by side
            ParagraphResult drop = run.byTitle("DROP EM and F1 per answer type, runs side by side");
            assertEquals(List.of("answer_type", "residual-run_em", "residual-run_f1", "mhc-run_em", "mhc-run_f1"),
                    List.of(drop.schema().fieldNames()));
            Set<String> types = new TreeSet<>();
            examples.get("residual-run").get("drop").forEach(l -> types.add(l.get("type").asText()));
            assertEquals(List.copyOf(types), column(drop.rows(), 0));
            for (Row r : drop.rows()) {
                for (int i = 0; i < labels.size(); i++) {
                    List<JsonNode> lines = examples.get(labels.get(i)).get("drop").stream()
                            .filter(l -> l.get("type").asText().equals(r.getString(0))).toList();
                    assertEquals(lines.stream().mapToDouble(l -> l.get("em").asDouble()).average().orElseThrow(),
                            r.getDouble(1 + 2 * i), 1e-12);
                    assertEquals(lines.stream().mapToDouble(l -> l.get("f1").asDouble()).average().orElseThrow(),
                            r.getDouble(2 + 2 * i), 1e-12);
                }
            }

            assertTrue(run.byTitle("Check: summaries against per-example files").output().contains(
                    "every summary.json agrees with its per_example.jsonl (" + (ProjectOutputs.BBH_TASKS.size()
                            + types.size()) * 2 + " tasks checked)"), run.byTitle(
                                    "Check: summaries against per-example files").output());

            // disagreements: BBH question 1 of each task (mhc-run right, residual-run wrong); DROP: the ids whose F1
            // differs between the two per-example files
            assertEquals(ProjectOutputs.BBH_TASKS.stream().map(t -> t + ";mhc-run;residual-run").toList(),
                    run.byTitle("BBH: disagreements").rows().stream().map(r -> r.get(0) + ";" + r.get(3) + ";"
                            + r.get(4)).toList());
            Map<String, Double> residualF1 = new HashMap<>();
            examples.get("residual-run").get("drop").forEach(l -> residualF1.put(l.get("id").asText(),
                    l.get("f1").asDouble()));
            Set<String> differing = examples.get("mhc-run").get("drop").stream()
                    .filter(l -> residualF1.get(l.get("id").asText()) != l.get("f1").asDouble())
                    .map(l -> l.get("id").asText()).collect(Collectors.toCollection(TreeSet::new));
            assertFalse(differing.isEmpty());
            assertEquals(differing, new TreeSet<>(column(run.byTitle("DROP: disagreements").rows(), 0)));
        }
    }

    /**
     * A copy of a real run with what a diverging run records added in the metrics/ contract's format (the trainers do
     * not write event_* metrics yet): a loss-spike event at step 6, a composite gain of 123 at step 8, and
     * "diverged": true in summary.json.
     */
    private static Path divergingCopy(SparkSession spark, Path run) throws IOException {
        Path copy = run.resolveSibling("mhc-diverging");
        try (Stream<Path> files = Files.walk(run)) {
            for (Path f : files.toList()) {
                Path target = copy.resolve(run.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        StructType schema = spark.read().parquet(copy.resolve("metrics").toString()).schema();
        List<Row> rows = List.of(
                RowFactory.create("mhc-diverging", 6L, 0, "event_loss_spike", null, 9.5),
                RowFactory.create("mhc-diverging", 8L, -1, "max_composite_gain_forward", null, 123.0));
        spark.createDataFrame(rows, schema).coalesce(1).write().mode("append")
                .parquet(copy.resolve("metrics").toString());
        ObjectNode summary = (ObjectNode) ProjectOutputs.readJson(copy.resolve("summary.json"));
        summary.put("diverged", true);
        ProjectOutputs.JSON.writeValue(copy.resolve("summary.json").toFile(), summary);
        assertEquals(DataTypes.DoubleType, schema.apply("value").dataType());
        return copy;
    }

    private static String scalaString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String scalaSeq(List<Path> paths) {
        return paths.stream().map(p -> scalaString(p.toString())).collect(Collectors.joining(", ", "Seq(", ")"));
    }

    private static <T> List<T> column(List<Row> rows, int index) {
        return rows.stream().map(r -> r.<T>getAs(index)).toList();
    }

    private static Row only(List<Row> rows, String first) {
        List<Row> matching = rows.stream().filter(r -> r.getString(0).equals(first)).toList();
        assertEquals(1, matching.size(), first + " in " + rows);
        return matching.get(0);
    }
}

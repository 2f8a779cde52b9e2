package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mhc pipeline run} for real: every stage a real mhc command in its own JVM (Spark local[2], real Parquet,
 * real DL4J training), executions counted from the work directory's {@code events.jsonl}. About 5 minutes.
 */
class PipelineRunTest {
    @TempDir
    static Path tmp;
    static Path corpus;

    @BeforeAll
    static void corpus() throws IOException {
        byte[] all = Files.readAllBytes(Path.of("..", "data", "corpora", "tinyshakespeare.txt"));
        corpus = Files.write(tmp.resolve("corpus.txt"), Arrays.copyOf(all, 40_000));
    }

    /** tokenize -> train (a tiny mHC on 2 workers) -> report; {@code train} may add a grid. */
    private static String pipeline(String name, String trainExtra, int steps) {
        return """
                pipeline: %s
                master: local[2]
                stages:
                  data:
                    type: tokenize
                    params:
                      input: %s
                      tokenizer: byte
                      seq-len: 16
                      doc-split: blank-line
                      val-fraction: 0.1
                      shards: 1
                  train:
                    type: train
                    params:
                      data: ${data}
                      blocks: 1
                      d-model: 16
                      heads: 2
                      batch: 4
                      steps: %d
                      warmup: 2
                      workers: 2
                      averaging-frequency: 2
                      metrics-every: 2
                      eval-every: 4
                      eval-batches: 2
                      checkpoint-every: 4
                %s  report:
                    type: report
                    params:
                      runs: ${train[*]}
                      width: 400
                      height: 300
                """.formatted(name, corpus, steps, trainExtra);
    }

    private static final String MHC_LR = """
            connection: mhc
            lr: 1e-2
            """.indent(6);

    @Test
    void aSecondRunSkipsEverythingAndAChangedParameterRerunsOnlyItsStageAndDependants() throws Exception {
        Path file = tmp.resolve("three.yaml");
        Path work = tmp.resolve("three");
        Files.writeString(file, pipeline("three", MHC_LR, 8));

        run(file, work);
        assertEquals(Map.of("data", 1L, "train", 1L, "report", 1L), started(work));
        run(file, work);
        assertEquals(Map.of("data", 1L, "train", 1L, "report", 1L), started(work), "second run: nothing re-ran");
        assertEquals(3, events(work).stream().filter(e -> e.path("event").asText().equals("cached")).count());

        Files.writeString(file, pipeline("three", MHC_LR.replace("lr: 1e-2", "lr: 2e-2"), 8));
        Cli status = Cli.run("pipeline", "status", file.toString(), "--workdir", work.toString());
        assertEquals(0, status.exit(), status.err());
        assertTrue(status.out().matches("(?s).*done +data .*stale +train .*lr: 1e-2 -> 2e-2.*stale +report .*"
                + "upstream train changed.*"), status.out());
        run(file, work);
        assertEquals(Map.of("data", 1L, "train", 2L, "report", 2L), started(work), "only train and report re-ran");
    }

    @Test
    void aTwoByTwoSweepGivesFourRunsAndOneReportOfTheirSummaries() throws Exception {
        Path file = tmp.resolve("sweep.yaml");
        Path work = tmp.resolve("sweep");
        Files.writeString(file, pipeline("sweep", """
                grid:
                  connection: [residual, mhc]
                  lr: [1e-2, 2e-2]
                """.indent(4), 6));
        run(file, work, "--max-parallel", "2");
        assertEquals(Map.of("data", 1L, "train", 4L, "report", 1L), started(work));
        int running = 0;
        int mostAtOnce = 0;
        for (JsonNode e : events(work)) {
            running += switch (e.path("event").asText()) {
                case "started" -> 1;
                case "finished", "failed" -> -1;
                default -> 0;
            };
            mostAtOnce = Math.max(mostAtOnce, running);
        }
        assertEquals(2, mostAtOnce, "--max-parallel 2: two members at a time, never more");

        List<Path> runs;
        try (Stream<Path> found = Files.find(work.resolve("train"), 3, (p, a) -> p.endsWith("summary.json"))) {
            runs = found.map(Path::getParent).sorted().toList();
        }
        assertEquals(4, runs.size(), runs.toString());
        Path report;
        try (Stream<Path> found = Files.find(work.resolve("report"), 3, (p, a) -> p.endsWith("report.md"))) {
            report = found.findFirst().orElseThrow();
        }
        List<String> summaryRows = section(Files.readString(report), "## Summary");
        for (Path run : runs) {
            JsonNode summary = RunDirectory.JSON.readTree(run.resolve("summary.json").toFile());
            String label = run.getFileName().toString();
            String[] cells = summaryRows.stream().filter(r -> r.startsWith("| " + label + " |")).findFirst()
                    .orElseThrow(() -> new AssertionError(label + " not in the report:\n" + summaryRows))
                    .split("\\|");
            // | run | connection | steps | tokens | initial loss | final loss | val loss | max gain fwd | ...
            assertEquals(summary.get("connection").asText(), cells[2].trim());
            assertEquals(summary.get("steps").asLong(), Long.parseLong(cells[3].trim().replace(",", "")));
            assertEquals(summary.get("final_loss").asDouble(), Double.parseDouble(cells[6].trim()),
                    1e-5 * summary.get("final_loss").asDouble(), label + " final loss");
            assertEquals(summary.get("max_composite_gain_forward").asDouble(), Double.parseDouble(cells[8].trim()),
                    1e-5 * summary.get("max_composite_gain_forward").asDouble(), label + " max gain");
        }
    }

    @Test
    void aKilledRunIsCompletedByTheNextWithoutRedoingFinishedStages() throws Exception {
        Path file = tmp.resolve("killed.yaml");
        Path work = tmp.resolve("killed");
        Files.writeString(file, pipeline("killed", MHC_LR, 40));
        Process pipeline = ChildJvm.start(new String[] {"pipeline", "run", file.toString(), "--workdir",
                work.toString()}, tmp.resolve("killed.log"), Map.of());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        while (checkpoints(work) == 0) {
            assertTrue(pipeline.isAlive(), () -> "the pipeline ended before a checkpoint: " + log());
            assertTrue(System.nanoTime() < deadline, () -> "no checkpoint within 6 minutes: " + log());
            Thread.sleep(500);
        }
        List<ProcessHandle> stages = pipeline.descendants().toList();
        assertTrue(stages.size() >= 1, "a stage JVM is running");
        pipeline.destroyForcibly().waitFor();
        for (ProcessHandle stage : stages) {
            stage.onExit().get(60, TimeUnit.SECONDS); // it notices its parent is gone and exits
        }
        assertEquals(Map.of("data", 1L, "train", 1L), started(work));

        run(file, work);
        assertEquals(Map.of("data", 1L, "train", 2L, "report", 1L), started(work));
        assertTrue(events(work).stream().anyMatch(e -> e.path("event").asText().equals("started")
                && e.path("detail").asText().contains("resuming")), "train resumed from its checkpoint");
        try (Stream<Path> found = Files.find(work.resolve("train"), 3, (p, a) -> p.endsWith("summary.json"))) {
            JsonNode summary = RunDirectory.JSON.readTree(found.findFirst().orElseThrow().toFile());
            assertEquals(40, summary.get("steps").asInt());
        }
    }

    private static String log() {
        try {
            return Files.readString(tmp.resolve("killed.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long checkpoints(Path work) throws IOException {
        if (!Files.exists(work.resolve("train"))) {
            return 0;
        }
        try (Stream<Path> found = Files.find(work.resolve("train"), 5,
                (p, a) -> p.getFileName().toString().startsWith("step-") && p.getParent().endsWith("checkpoints"))) {
            return found.count();
        }
    }

    private static void run(Path file, Path work, String... options) {
        List<String> args = new ArrayList<>(List.of("pipeline", "run", file.toString(), "--workdir", work.toString()));
        args.addAll(List.of(options));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertEquals(0, cli.exit(), () -> cli.out() + cli.err());
    }

    private static List<JsonNode> events(Path work) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(work.resolve("events.jsonl"))) {
            events.add(RunDirectory.JSON.readTree(line));
        }
        return events;
    }

    /** How many times each stage's members were started. */
    private static Map<String, Long> started(Path work) throws IOException {
        return events(work).stream().filter(e -> e.path("event").asText().equals("started"))
                .collect(Collectors.groupingBy(e -> e.path("stage").asText(), Collectors.counting()));
    }

    private static List<String> section(String markdown, String heading) {
        String rest = markdown.substring(markdown.indexOf(heading) + heading.length());
        int next = rest.indexOf("\n## ");
        return (next < 0 ? rest : rest.substring(0, next)).lines().filter(l -> l.startsWith("|")).toList();
    }
}

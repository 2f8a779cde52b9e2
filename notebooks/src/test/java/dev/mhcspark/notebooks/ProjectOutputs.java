package dev.mhcspark.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mhcspark.jobs.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Real outputs of the project's jobs for the notes to read, made by running {@code bin/mhc} in process (the same
 * picocli command tree as the launcher): a tokenized dataset of the first 12 KB of the bundled corpus, two short
 * Spark training runs on it (residual and mHC, tiny models, {@code local[2]}), a 6-step single-process HC run on
 * synthetic data, and {@code mhc score} summaries with
 * per-example files for BBH and DROP predictions of two "runs".
 *
 * @param dataset  {@code mhc tokenize} output
 * @param runs     {@code mhc train --master local[2]} run directories: residual, mhc
 * @param singleProcessRun {@code mhc train --master none --synthetic --connection hc}, 6 steps
 * @param evalDirs one per run: {@code bbh/} and {@code drop/}, each with summary.json and per_example.jsonl
 */
record ProjectOutputs(Path dataset, List<Path> runs, Path singleProcessRun, List<Path> evalDirs) {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Tasks of the generated BBH predictions (real BBH task names: mhc score checks them). */
    static final List<String> BBH_TASKS = List.of("boolean_expressions", "navigate", "word_sorting");

    static ProjectOutputs produce(Path dir) throws IOException {
        long started = System.nanoTime();
        Files.createDirectories(dir);
        Path corpus = dir.resolve("corpus.txt");
        byte[] all = Files.readAllBytes(Path.of("..", "data", "corpora", "tinyshakespeare.txt"));
        Files.write(corpus, Arrays.copyOf(all, 12_000));
        Path dataset = dir.resolve("dataset");
        mhc("tokenize", "--input", corpus.toString(), "--output", dataset.toString(), "--tokenizer", "byte",
                "--seq-len", "32", "--doc-split", "blank-line", "--val-fraction", "0.1", "--shards", "2",
                "--master", "local[2]");
        List<Path> runs = new ArrayList<>();
        for (String connection : List.of("residual", "mhc")) {
            Path run = dir.resolve("runs").resolve(connection + "-run");
            // two epochs: driver probes (validation loss, gains) at step 0 and after each epoch
            mhc("train", "--data", dataset.toString(), "--run", run.toString(), "--master", "local[2]", "--workers",
                    "2", "--averaging-frequency", "5", "--metrics-every", "1", "--epochs", "2", "--connection",
                    connection, "--d-model", "16", "--heads", "2", "--blocks", "2", "--batch", "8", "--lr", "1e-2",
                    "--warmup", "5", "--eval-batches", "2");
            runs.add(run);
        }
        // a single-process run (--master none) of the third connection, on synthetic data
        // today (metrics.jsonl instead), which the runs note must tolerate
        Path single = dir.resolve("runs").resolve("hc-single");
        mhc("train", "--synthetic", "--run", single.toString(), "--connection", "hc", "--steps", "6", "--d-model", "16",
                "--heads", "2", "--blocks", "1", "--batch", "2", "--seq-len", "16", "--warmup", "2", "--eval-every",
                "3", "--eval-batches", "1", "--probe-every", "3", "--log-every", "3");
        List<Path> evalDirs = new ArrayList<>();
        Path dropSet = dir.resolve("drop_style.json");
        Path dropPredictions = dir.resolve("drop_predictions.jsonl");
        mhc("eval", "make-drop-style", "--count", "40", "--seed", "7", "--out", dropSet.toString(), "--predictions",
                dropPredictions.toString());
        for (int r = 0; r < runs.size(); r++) {
            Path evalDir = dir.resolve("eval").resolve(runs.get(r).getFileName().toString());
            score(evalDir.resolve("bbh"), "bbh", writeBbhPredictions(dir.resolve("bbh_" + r + ".jsonl"), r));
            score(evalDir.resolve("drop"), "drop", r == 0 ? dropPredictions
                    : degrade(dropPredictions, dir.resolve("drop_predictions_" + r + ".jsonl")));
            evalDirs.add(evalDir);
        }
        System.err.printf("project outputs for the notes made in %.0f s%n", (System.nanoTime() - started) / 1e9);
        return new ProjectOutputs(dataset, List.copyOf(runs), single, List.copyOf(evalDirs));
    }

    /** {@code bin/mhc ARGS} in this JVM; returns what it printed on stdout (picocli's writer), fails on exit != 0. */
    static String mhc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        System.err.println("$ mhc " + String.join(" ", args));
        int exit = cl.execute(args);
        if (exit != 0) {
            throw new AssertionError("mhc " + String.join(" ", args) + " exited with " + exit + ":\n" + err + out);
        }
        return out.toString();
    }

    /** {@code mhc score} into dir: its JSON document as summary.json, its --per-example file as per_example.jsonl. */
    private static void score(Path dir, String suite, Path predictions) throws IOException {
        Files.createDirectories(dir);
        String summary = mhc("score", "--suite", suite, "--predictions", predictions.toString(), "--per-example",
                dir.resolve("per_example.jsonl").toString());
        Files.writeString(dir.resolve("summary.json"), summary, StandardCharsets.UTF_8);
    }

    /**
     * BBH predictions of "run" r: 4 questions per task with chain-of-thought outputs; run 0 answers question q
     * correctly when q is even, run 1 when q &lt; 3, so the runs agree on some questions and disagree on others.
     */
    private static Path writeBbhPredictions(Path file, int run) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String task : BBH_TASKS) {
            for (int q = 0; q < 4; q++) {
                String target = task.equals("word_sorting") ? "apple banana " + q : (q % 2 == 0 ? "True" : "False");
                if (task.equals("navigate")) {
                    target = q % 2 == 0 ? "Yes" : "No";
                }
                boolean right = run == 0 ? q % 2 == 0 : q < 3;
                ObjectNode line = JSON.createObjectNode().put("task", task).put("target", target)
                        .put("prediction", "Let's think step by step. So the answer is "
                                + (right ? target : "something else") + ".");
                lines.add(JSON.writeValueAsString(line));
            }
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    /** The DROP predictions with every third one replaced by a wrong answer: a second, weaker "run". */
    private static Path degrade(Path predictions, Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(predictions, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            if (i++ % 3 == 0) {
                ((ObjectNode) node).put("prediction", "no idea");
            }
            lines.add(JSON.writeValueAsString(node));
        }
        Files.write(out, lines, StandardCharsets.UTF_8);
        return out;
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

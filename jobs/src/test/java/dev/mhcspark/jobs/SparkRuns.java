package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Real runs for tests that consume run directories: a tokenized slice of the bundled corpus and short
 * {@code train --master local[2]} runs on it. Sized for speed (DL4J's Spark training costs about a second per
 * averaging round here, whatever the model size), not for learning much.
 */
final class SparkRuns {
    private SparkRuns() {
    }

    /** Byte tokens of the corpus's first {@code bytes} bytes, blank-line documents (a fifth to val/), T =
     * {@code seqLen}. */
    static Path tokenize(Path dir, int bytes, int seqLen) throws Exception {
        Path corpus = dir.resolve("corpus.txt");
        byte[] all = Files.readAllBytes(Path.of("..", "data", "corpora", "tinyshakespeare.txt"));
        Files.write(corpus, Arrays.copyOf(all, bytes));
        Path dataset = dir.resolve("dataset");
        Cli cli = Cli.run("tokenize", "--input", corpus.toString(), "--output", dataset.toString(), "--tokenizer",
                "byte", "--seq-len", String.valueOf(seqLen), "--doc-split", "blank-line", "--val-fraction", "0.2",
                "--shards", "2", "--master", "local[2]");
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        return dataset;
    }

    /**
     * A tiny model (d_model 16, 2 blocks) trained by 2 workers for {@code epochs} epochs with a metric record every
     * step; {@code extra} flags are appended (later ones win in picocli).
     */
    static Path train(Path dataset, Path run, String connection, int epochs, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", dataset.toString(), "--run", run.toString(),
                "--master", "local[2]", "--workers", "2", "--averaging-frequency", "8", "--metrics-every", "1",
                "--epochs", String.valueOf(epochs), "--connection", connection, "--d-model", "16", "--heads", "2",
                "--blocks", "2", "--batch", "4", "--lr", "1e-2", "--warmup", "5", "--eval-batches", "1"));
        args.addAll(List.of(extra));
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertEquals(0, cli.exit(), cli.out() + cli.err());
        cli.out().lines().filter(l -> l.startsWith("done:")).forEach(System.err::println);
        return run;
    }
}

package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One tokenized dataset shared by the Spark training tests of this JVM: the first 100 KB of the bundled corpus,
 * byte tokens, T = 32, 90/10 split, 2 shards. Tokenized once (the real {@code mhc tokenize} job), on first use.
 */
final class TinyDataset {
    private static Path dir;

    private TinyDataset() {
    }

    static synchronized Path get() {
        if (dir == null) {
            try {
                Path tmp = Files.createTempDirectory("mhc-tiny-dataset-");
                Path corpus = tmp.resolve("corpus.txt");
                byte[] all = Files.readAllBytes(Path.of("..", "data", "corpora", "tinyshakespeare.txt"));
                Files.write(corpus, Arrays.copyOf(all, 100_000));
                Path out = tmp.resolve("dataset");
                Cli cli = Cli.run("tokenize", "--input", corpus.toString(), "--output", out.toString(),
                        "--tokenizer", "byte", "--seq-len", "32", "--doc-split", "blank-line", "--val-fraction",
                        "0.1", "--shards", "2", "--master", "local[2]");
                assertEquals(0, cli.exit(), cli.err());
                dir = out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    /** {@code train --data <dataset> --master local[2] --workers 2} and a tiny mHC model, then {@code extra}. */
    static String[] trainArgs(Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", get().toString(), "--run", run.toString(),
                "--master", "local[2]", "--workers", "2", "--connection", "mhc", "--d-model", "16", "--heads", "2",
                "--blocks", "1", "--seq-len", "16", "--batch", "4", "--eval-batches", "2"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }
}

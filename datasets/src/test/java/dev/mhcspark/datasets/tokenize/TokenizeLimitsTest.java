package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.DatasetManifest;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job in a JVM of its own: a single 100 MB line in a heap of 768 MB (Spark's minimum is ~450 MB, the
 * line's tokens alone are 400 MB as ints), and a job killed half-way that leaves no dataset behind.
 */
class TokenizeLimitsTest {
    private static final long LINE_BYTES = 100L << 20;

    @TempDir
    static Path tmp;
    static Path bigLine;

    @BeforeAll
    static void writeOneHugeLine() throws IOException {
        bigLine = Files.createDirectories(tmp.resolve("big")).resolve("one-line.txt");
        String[] words = {"to", "be", "or", "not", "that", "is", "the", "question", "whether", "nobler"};
        try (BufferedWriter out = Files.newBufferedWriter(bigLine, StandardCharsets.UTF_8)) {
            long written = 0;
            for (int i = 0; written < LINE_BYTES; i++) {
                String word = words[(i * 7 + i / 10) % words.length];
                out.write(word);
                out.write(' ');
                written += word.length() + 1;
            }
        }
    }

    @Test
    void aHundredMegabyteLineFitsASmallHeap() throws Exception {
        Path out = tmp.resolve("big-ds");
        Path log = tmp.resolve("big.log");
        Process child = TokenizeInChildJvm.start("768m", bigLine, out, log);
        assertTrue(child.waitFor(10, TimeUnit.MINUTES), "timed out");
        String output = Files.readString(log);
        assertEquals(0, child.exitValue(), output);
        assertFalse(output.contains("OutOfMemoryError"), output);
        DatasetManifest manifest = DatasetManifest.read(out.toString(), new Configuration());
        long size = Files.size(bigLine);
        assertEquals(1, manifest.split("train").documents());
        assertEquals(size + 1, manifest.split("train").tokens(), "every byte and one end-of-document");
        assertEquals((size + 1) / 1024, manifest.split("train").sequences());
        assertTrue(output.contains("tokenize: done in"), output);
    }

    @Test
    void aJobKilledHalfWayLeavesNoDataset() throws Exception {
        Path out = tmp.resolve("killed-ds");
        Path log = tmp.resolve("killed.log");
        Process child = TokenizeInChildJvm.start("1g", bigLine, out, log, "half-way");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        // the child holds the job once its tokens are spilled into the hidden temporary dataset
        while (!Files.readString(log).contains(TokenizeInChildJvm.HALF_WAY) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(Files.readString(log).contains(TokenizeInChildJvm.HALF_WAY) && child.isAlive(),
                "the job did not reach half-way: " + Files.readString(log));
        child.destroyForcibly().waitFor();  // SIGKILL: no shutdown hook, no cleanup

        assertFalse(Files.exists(out), "a killed job must not leave " + out);
        try (Stream<Path> siblings = Files.list(tmp)) {
            List<Path> temps = siblings.filter(p -> p.getFileName().toString().startsWith(".killed-ds.tmp-"))
                    .toList();
            assertEquals(1, temps.size(), "the partial output stays hidden: " + temps);
        }
    }
}

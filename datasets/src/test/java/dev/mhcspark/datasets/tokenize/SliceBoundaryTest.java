package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slice boundaries on a hand-worked file (offsets in the comments). */
class SliceBoundaryTest {
    @TempDir
    Path dir;

    @Test
    void linesAndParagraphsStartWhereTheDocumentationSays() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("ab\ncd\n\n  \nef\n".getBytes(StandardCharsets.UTF_8));  // lines at 0, 3, 6 (""), 7 ("  "), 10
        bytes.writeBytes("\u3000\ngh\n".getBytes(StandardCharsets.UTF_8));      // 13: U+3000 (3 bytes), 17: "gh"
        bytes.writeBytes(new byte[] {(byte) 0xE3, (byte) 0x80, '\n', 'i', 'j'}); // 20: a truncated sequence, 23: "ij"
        Path file = Files.write(dir.resolve("f.txt"), bytes.toByteArray());
        long size = 25;
        assertEquals(size, Files.size(file));

        long[][] lines = {{0, 0}, {1, 3}, {3, 3}, {4, 6}, {6, 6}, {7, 7}, {8, 10}, {11, 13}, {14, 17}, {21, 23},
            {24, size}, {size, size}};
        long[][] paragraphs = {{0, 0}, {1, 6}, {3, 6}, {4, 6}, {7, 7}, {8, 13}, {11, 13}, {13, 13}, {14, size},
            {size, size}};
        try (FileSystem fs = FileSystem.newInstanceLocal(new Configuration());
             FSDataInputStream in = fs.open(new org.apache.hadoop.fs.Path(file.toUri()))) {
            for (long[] expected : lines) {
                assertEquals(expected[1], SliceBoundary.at(in, expected[0], size, false), "line at " + expected[0]);
            }
            for (long[] expected : paragraphs) {
                assertEquals(expected[1], SliceBoundary.at(in, expected[0], size, true), "paragraph at " + expected[0]);
            }
        }
    }
}

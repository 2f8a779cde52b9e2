package dev.mhcspark.datasets.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic replacing writes, locally and through Hadoop's FileContext (here on its local file system). */
class TokenizerFilesTest {
    @TempDir
    Path dir;

    @Test
    void localWritesReplaceAndLeaveNoTemporaryFile() throws IOException {
        Path file = dir.resolve("a/b/tokenizer.json");
        TokenizerFiles.write(file, bytes("first"));
        TokenizerFiles.write(file, bytes("second"));
        assertArrayEquals(bytes("second"), TokenizerFiles.read(file));
        assertEquals(List.of("tokenizer.json"), names(file.getParent()));
    }

    @Test
    void hadoopWritesReplaceThroughFileContext() throws IOException {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path file = TokenizerFiles.qualified(
                new org.apache.hadoop.fs.Path(dir.toUri().toString(), "h/tokenizer.json"), conf);
        TokenizerFiles.writeThroughHadoop(file, conf, bytes("first"));
        TokenizerFiles.writeThroughHadoop(file, conf, bytes("second"));
        assertArrayEquals(bytes("second"), TokenizerFiles.readThroughHadoop(file, conf));
        // the local Hadoop file system keeps a checksum beside the file; no temporary file is left
        assertEquals(List.of(".tokenizer.json.crc", "tokenizer.json"), names(dir.resolve("h")));
    }

    @Test
    void localFilesNamedByHadoopUrisGoThroughJavaNio() throws IOException {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path file = TokenizerFiles.qualified(
                new org.apache.hadoop.fs.Path(dir.toUri().toString(), "tokenizer.json"), conf);
        TokenizerFiles.write(file, conf, bytes("plain"));
        assertArrayEquals(bytes("plain"), TokenizerFiles.read(file, conf));
        assertEquals(List.of("tokenizer.json"), names(dir), "no .crc file to go stale");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

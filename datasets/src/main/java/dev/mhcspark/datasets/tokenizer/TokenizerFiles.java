package dev.mhcspark.datasets.tokenizer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Whole-file reads and atomic writes of tokenizer files, on the local file system or any Hadoop one (hdfs://, s3a://,
 * ...). A write goes to a temporary file next to the target and is renamed over it, so a reader sees the old file
 * or the new one, never half of one.
 */
final class TokenizerFiles {
    private TokenizerFiles() {
    }

    static byte[] read(java.nio.file.Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    /** @param file qualified (see {@link #qualified}) */
    static byte[] read(Path file, Configuration conf) throws IOException {
        return isLocal(file) ? read(java.nio.file.Path.of(file.toUri())) : readThroughHadoop(file, conf);
    }

    static byte[] readThroughHadoop(Path file, Configuration conf) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        try (FSDataInputStream in = fs.open(file)) {
            return in.readAllBytes();
        }
    }

    static void write(java.nio.file.Path file, byte[] bytes) throws IOException {
        java.nio.file.Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        java.nio.file.Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** @param file qualified (see {@link #qualified}) */
    static void write(Path file, Configuration conf, byte[] bytes) throws IOException {
        if (isLocal(file)) {
            write(java.nio.file.Path.of(file.toUri()), bytes);
        } else {
            writeThroughHadoop(file, conf, bytes);
        }
    }

    static void writeThroughHadoop(Path target, Configuration conf, byte[] bytes) throws IOException {
        // FileContext, not FileSystem: only its rename can atomically replace an existing file on HDFS
        FileContext fc = FileContext.getFileContext(target.toUri(), conf);
        Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (OutputStream out = fc.create(temp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
                out.write(bytes);
            }
            fc.rename(temp, target, Options.Rename.OVERWRITE);
        } finally {
            fc.delete(temp, false);
        }
    }

    /**
     * Local files go through java.nio, not Hadoop's checksummed local file system: no {@code .crc} files beside
     * them, which would go stale (and fail reads) once the file is rewritten through a plain path.
     */
    private static boolean isLocal(Path qualified) {
        return "file".equals(qualified.toUri().getScheme());
    }

    /** {@code file} with its file system's scheme and authority, and absolute: how a manifest should name it. */
    static Path qualified(Path file, Configuration conf) throws IOException {
        return file.getFileSystem(conf).makeQualified(file);
    }
}

package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A run's directory: {@code train.json} (settings), {@code metrics.jsonl} (one JSON record per line, flushed
 * as written), {@code model/} and {@code summary.json}. JSON documents are written to a temporary file and
 * renamed into place; {@code summary.json} is written last, so its presence marks a finished run.
 */
final class RunDirectory implements Closeable {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper LINE = new ObjectMapper();

    private final Path dir;
    private final BufferedWriter metrics;

    private RunDirectory(Path dir) throws IOException {
        this.dir = dir;
        this.metrics = Files.newBufferedWriter(dir.resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW);
    }

    /** Creates a new run directory; refuses one that already holds files, so no run is overwritten. */
    static RunDirectory create(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("--run " + dir + " already holds files; choose a new run "
                                + "directory or remove it");
                    }
                }
            }
            Files.createDirectories(dir);
            return new RunDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + dir + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return dir;
    }

    Path modelDir() {
        return dir.resolve("model");
    }

    void writeJson(String name, Object value) {
        try {
            Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
            JSON.writeValue(tmp.toFile(), value);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    void appendMetrics(Object record) {
        try {
            metrics.write(LINE.writeValueAsString(record));
            metrics.newLine();
            metrics.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve("metrics.jsonl") + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        metrics.close();
    }
}

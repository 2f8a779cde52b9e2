package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mhcspark.model.dl4j.ModelStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A run's directory, on any Hadoop file system (local path, {@code file:}, {@code hdfs://}):
 * <pre>
 *   config.json         every setting of the run (written first)
 *   metrics/            Parquet, long format ({@link MetricRecord}), one file per append ({@link MetricsLog})
 *   checkpoints/step-N/ model.zip + config.json (ModelStore) + state.json (trainer state)
 *   model/              the final model (ModelStore)
 *   summary.json        written last: its presence marks a finished run
 * </pre>
 * Every JSON document and model directory is written under a hidden temporary name and renamed into place, so a
 * killed run never leaves a half-written file behind.
 */
final class RunDirectory {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String CONFIG = "config.json";
    static final String SUMMARY = "summary.json";
    static final String CHECKPOINTS = "checkpoints";
    static final String STATE = "state.json";
    private static final int CHECKPOINTS_KEPT = 2;

    private final FileSystem fs;
    private final Path root;
    private final MetricsLog metrics;

    private RunDirectory(FileSystem fs, Path root) {
        this.fs = fs;
        this.root = root;
        this.metrics = new MetricsLog(fs, new Path(root, "metrics"), root.getName());
    }

    /** Creates a new run directory; refuses one that already holds files, so no run is overwritten. */
    static RunDirectory create(String location, Configuration conf) {
        Path root = new Path(location);
        FileSystem fs = HadoopPaths.fileSystem("--run", location, conf);
        try {
            if (fs.exists(root) && fs.listStatus(root).length > 0) {
                throw new IllegalArgumentException("--run " + location + " already holds files; choose a new run "
                        + "directory, remove it, or continue it with --resume");
            }
            fs.mkdirs(root);
            return new RunDirectory(fs, fs.makeQualified(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + location + ": " + e.getMessage(), e);
        }
    }

    /** Opens the existing run directory of an interrupted run to continue it. */
    static RunDirectory resume(String location, Configuration conf) {
        Path root = new Path(location);
        FileSystem fs = HadoopPaths.fileSystem("--run", location, conf);
        try {
            if (!fs.exists(new Path(root, CONFIG))) {
                throw new IllegalArgumentException("--resume: " + location + " is not a run directory (no " + CONFIG
                        + "); start a new run without --resume");
            }
            if (fs.exists(new Path(root, SUMMARY))) {
                throw new IllegalArgumentException("--resume: the run in " + location + " has finished (" + SUMMARY
                        + " exists); nothing to resume");
            }
            return new RunDirectory(fs, fs.makeQualified(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open run directory " + location + ": " + e.getMessage(), e);
        }
    }

    /** The run's id: the name of its directory. */
    String runId() {
        return root.getName();
    }

    String location() {
        return root.toString();
    }

    MetricsLog metrics() {
        return metrics;
    }

    void writeJson(String name, Object value) {
        Path tmp = new Path(root, "." + name + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                JSON.writeValue(out, value);
            }
            replace(tmp, new Path(root, name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + new Path(root, name) + ": " + e.getMessage(), e);
        }
    }

    JsonNode readJson(String name) {
        try (InputStream in = fs.open(new Path(root, name))) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + new Path(root, name) + ": " + e.getMessage(), e);
        }
    }

    /** Saves the final model to {@code model/}. */
    void saveModel(MultiLayerNetwork net) {
        saveModelDir(net, "model", Map.of());
    }

    String modelLocation() {
        return new Path(root, "model").toString();
    }

    /**
     * Saves a checkpoint {@code checkpoints/step-<step>/}: the model with its updater state and {@code state.json};
     * keeps the newest {@value #CHECKPOINTS_KEPT}.
     */
    void saveCheckpoint(MultiLayerNetwork net, long step, Object state) {
        saveModelDir(net, CHECKPOINTS + "/" + String.format("step-%09d", step), Map.of(STATE, state));
        try {
            List<Path> all = checkpoints();
            for (int i = 0; i < all.size() - CHECKPOINTS_KEPT; i++) {
                fs.delete(all.get(i), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prune " + new Path(root, CHECKPOINTS) + ": " + e.getMessage(), e);
        }
    }

    /** The newest complete checkpoint, if any. */
    Optional<Checkpoint> latestCheckpoint() {
        try {
            List<Path> all = checkpoints();
            if (all.isEmpty()) {
                return Optional.empty();
            }
            Path dir = all.get(all.size() - 1);
            java.nio.file.Path local = Files.createTempDirectory("mhc-checkpoint-");
            try {
                for (FileStatus f : fs.listStatus(dir)) {
                    fs.copyToLocalFile(false, f.getPath(), new Path(local.resolve(f.getPath().getName()).toUri()),
                            true);
                }
                MultiLayerNetwork net = ModelStore.load(local);
                JsonNode state = JSON.readTree(local.resolve(STATE).toFile());
                return Optional.of(new Checkpoint(dir.toString(), net, state));
            } finally {
                deleteLocal(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints of " + root + ": " + e.getMessage(), e);
        }
    }

    record Checkpoint(String location, MultiLayerNetwork net, JsonNode state) {
    }

    private List<Path> checkpoints() throws IOException {
        Path dir = new Path(root, CHECKPOINTS);
        if (!fs.exists(dir)) {
            return List.of();
        }
        // names are zero-padded, so name order is step order; hidden names are unfinished copies
        return Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath)
                .filter(p -> p.getName().startsWith("step-"))
                .sorted(Comparator.comparing(Path::getName)).toList();
    }

    /** Writes a model directory locally, copies it under a hidden name beside its target, and renames it. */
    private void saveModelDir(MultiLayerNetwork net, String relative, Map<String, Object> json) {
        Path target = new Path(root, relative);
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        java.nio.file.Path local = null;
        try {
            local = Files.createTempDirectory("mhc-model-");
            ModelStore.save(net, local);
            for (Map.Entry<String, Object> e : json.entrySet()) {
                JSON.writeValue(local.resolve(e.getKey()).toFile(), e.getValue());
            }
            fs.mkdirs(tmp);
            try (var files = Files.list(local)) {
                for (java.nio.file.Path f : files.toList()) {
                    fs.copyFromLocalFile(false, true, new Path(f.toUri()), new Path(tmp, f.getFileName().toString()));
                }
            }
            replace(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + target + ": " + e.getMessage(), e);
        } finally {
            if (local != null) {
                deleteLocal(local);
            }
            try {
                fs.delete(tmp, true);
            } catch (IOException ignored) {
                // a hidden leftover is ignored by every reader
            }
        }
    }

    private void replace(Path tmp, Path target) throws IOException {
        if (fs.exists(target) && !fs.delete(target, true)) {
            throw new IOException("cannot replace " + target);
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("rename of " + tmp + " to " + target + " failed");
        }
    }

    private static void deleteLocal(java.nio.file.Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary directory: the OS cleans up what is left
        }
    }
}

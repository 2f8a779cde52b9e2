package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.tokenizer.ByteTokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.ModelStore;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained model with the tokenizer it was trained with, read from a run directory of {@code mhc train} on any
 * Hadoop file system (local or {@code hdfs://}): the settings ({@code config.json}, or {@code train.json} as older
 * runs call it), whose {@code data} names the training data, and {@code model/}. A run trained on a tokenized dataset
 * (a directory with {@code manifest.json}) uses that dataset's tokenizer; a run trained on a text file used bytes
 * ({@link ByteTokenizer}).
 *
 * @param dir          the run directory as shown in outputs: an absolute local path, or a full URI
 * @param settingsFile which settings file was read
 */
record ModelRun(String dir, String settingsFile, String data, ModelConfig config, Tokenizer tokenizer,
        MultiLayerNetwork net) {
    static final String SYNTHETIC = "synthetic";

    /**
     * @param location the run directory as given with {@code --model}
     * @throws IllegalArgumentException when {@code location} is not a finished run directory, or the model and its
     *                                  tokenizer disagree on the vocabulary
     */
    static ModelRun open(String location, Configuration hadoop) {
        String where = "--model " + location;
        FileSystem fs = HadoopPaths.fileSystem("--model", location, hadoop);
        Path dir = new Path(location);
        FileStatus status;
        try {
            status = fs.getFileStatus(dir);
        } catch (FileNotFoundException e) {
            status = null;
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": " + e.getMessage(), e);
        }
        if (status == null || !status.isDirectory()) {
            throw new IllegalArgumentException(where + ": no such directory; expected a run directory of mhc train");
        }
        Path settings = isFile(fs, new Path(dir, "config.json")) ? new Path(dir, "config.json")
                : new Path(dir, "train.json");
        if (!isFile(fs, settings)) {
            throw new IllegalArgumentException(where + ": holds neither config.json nor train.json; expected a run "
                    + "directory of mhc train (settings, model/, summary.json)");
        }
        JsonNode json;
        try (InputStream in = fs.open(settings)) {
            json = RunDirectory.JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(settings + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        JsonNode dataNode = json == null ? null : json.get("data");
        if (dataNode == null || !dataNode.isTextual()) {
            throw new IllegalArgumentException(settings + ": field 'data' missing; expected the training data (a "
                    + "text file, a tokenized dataset directory or \"synthetic\") that tells which tokenizer the "
                    + "model reads");
        }
        String data = dataNode.textValue();
        Path modelDir = new Path(dir, "model");
        try {
            if (!fs.exists(modelDir) || !fs.getFileStatus(modelDir).isDirectory()) {
                throw new IllegalArgumentException(where + ": no model/ directory; the run has not saved a model "
                        + "(still training, or it failed)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": " + e.getMessage(), e);
        }
        // ModelStore reads java.nio paths: a run on another file system is copied to a local temporary directory
        LocalCopy local = LocalCopy.of(fs, modelDir);
        try {
            ModelConfig config = ModelStore.readConfig(local.path());
            if (SYNTHETIC.equals(data)) {
                throw new IllegalArgumentException("model/tokenizer mismatch: " + location + " was trained on "
                        + "synthetic tokens (vocab_size " + config.vocabSize() + "), which no tokenizer produces from "
                        + "text; evaluate a model trained on a text file or a tokenized dataset");
            }
            Tokenizer tokenizer = tokenizerOf(data, hadoop);
            if (tokenizer.vocabSize() != config.vocabSize()) {
                throw new IllegalArgumentException("model/tokenizer mismatch: the model in " + modelDir + " has "
                        + "vocab_size " + config.vocabSize() + " but its tokenizer (" + tokenizer.spec() + ", from "
                        + "'data' " + data + " in " + settings.getName() + ") has " + tokenizer.vocabSize() + " ids");
            }
            MultiLayerNetwork net = ModelStore.load(local.path());
            return new ModelRun(HadoopPaths.display(fs, dir), HadoopPaths.display(fs, settings), data,
                    MhcNetworks.modelConfig(net), tokenizer, net);
        } catch (IllegalArgumentException e) {
            throw local.copied() ? new IllegalArgumentException(e.getMessage().replace(local.path().toString(),
                    modelDir.toString()), e) : e;
        } finally {
            local.close();
        }
    }

    private static boolean isFile(FileSystem fs, Path file) {
        try {
            return fs.exists(file) && fs.getFileStatus(file).isFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for " + file + ": " + e.getMessage(), e);
        }
    }

    /** A model directory as a local java.nio path: itself on the local disk, else a temporary copy. */
    private record LocalCopy(java.nio.file.Path path, boolean copied) {
        static LocalCopy of(FileSystem fs, Path dir) {
            if (HadoopPaths.isLocal(fs)) {
                return new LocalCopy(java.nio.file.Path.of(fs.makeQualified(dir).toUri()), false);
            }
            java.nio.file.Path local = null;
            try {
                local = Files.createTempDirectory("mhc-eval-model-");
                for (FileStatus f : fs.listStatus(dir)) {
                    if (f.isFile()) {
                        fs.copyToLocalFile(false, f.getPath(),
                                new Path(local.resolve(f.getPath().getName()).toUri()), true);
                    }
                }
                return new LocalCopy(local, true);
            } catch (IOException e) {
                if (local != null) {
                    new LocalCopy(local, true).close();
                }
                throw new UncheckedIOException("cannot read the model in " + dir + ": " + e.getMessage(), e);
            }
        }

        void close() {
            if (!copied) {
                return;
            }
            try (var files = Files.walk(path)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory: the OS cleans up what is left
            }
        }
    }

    /** A tokenized dataset's tokenizer (local or hdfs://), else bytes. */
    private static Tokenizer tokenizerOf(String data, Configuration hadoop) {
        try {
            Path manifest = new Path(data, DatasetManifest.FILE_NAME);
            FileSystem fs = manifest.getFileSystem(hadoop);
            if (fs.exists(manifest)) {
                return DatasetManifest.read(data, hadoop).loadTokenizer(data, hadoop);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for " + data + "/" + DatasetManifest.FILE_NAME + ": "
                    + e.getMessage(), e);
        }
        return ByteTokenizer.INSTANCE;
    }

    /** The run's name for tables: its directory name. */
    String label() {
        // dir is normalised (no trailing slash), and may hold characters a Hadoop Path would not parse
        return dir.substring(dir.lastIndexOf('/') + 1);
    }
}

package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.tokenizer.ByteTokenizer;
import dev.mhcspark.datasets.tokenizer.Tokenizer;
import dev.mhcspark.model.ModelConfig;
import dev.mhcspark.model.dl4j.MhcNetworks;
import dev.mhcspark.model.dl4j.ModelStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A trained model with the tokenizer it was trained with, read from a run directory of {@code mhc train}: the
 * settings ({@code config.json}, or {@code train.json} as older runs call it), whose {@code data} names the
 * training data, and {@code model/}. A run trained on a tokenized dataset (a directory with {@code manifest.json})
 * uses that dataset's tokenizer; a run trained on a text file used bytes ({@link ByteTokenizer}).
 *
 * @param settingsFile which settings file was read
 */
record ModelRun(Path dir, Path settingsFile, String data, ModelConfig config, Tokenizer tokenizer,
        MultiLayerNetwork net) {
    static final String SYNTHETIC = "synthetic";

    /**
     * @throws IllegalArgumentException when {@code dir} is not a finished run directory, or the model and its
     *                                  tokenizer disagree on the vocabulary
     */
    static ModelRun open(Path dir, Configuration hadoop) {
        String where = "--model " + dir;
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(where + ": no such directory; expected a run directory of mhc train");
        }
        Path settings = Files.isRegularFile(dir.resolve("config.json")) ? dir.resolve("config.json")
                : dir.resolve("train.json");
        if (!Files.isRegularFile(settings)) {
            throw new IllegalArgumentException(where + ": holds neither config.json nor train.json; expected a run "
                    + "directory of mhc train (settings, model/, summary.json)");
        }
        JsonNode json;
        try {
            json = RunDirectory.JSON.readTree(settings.toFile());
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
        Path modelDir = dir.resolve("model");
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException(where + ": no model/ directory; the run has not saved a model (still "
                    + "training, or it failed)");
        }
        ModelConfig config = ModelStore.readConfig(modelDir);
        if (SYNTHETIC.equals(data)) {
            throw new IllegalArgumentException("model/tokenizer mismatch: " + dir + " was trained on synthetic "
                    + "tokens (vocab_size " + config.vocabSize() + "), which no tokenizer produces from text; evaluate "
                    + "a model trained on a text file or a tokenized dataset");
        }
        Tokenizer tokenizer = tokenizerOf(data, hadoop);
        if (tokenizer.vocabSize() != config.vocabSize()) {
            throw new IllegalArgumentException("model/tokenizer mismatch: the model in " + modelDir + " has vocab_size "
                    + config.vocabSize() + " but its tokenizer (" + tokenizer.spec() + ", from 'data' " + data + " in "
                    + settings.getFileName() + ") has " + tokenizer.vocabSize() + " ids");
        }
        MultiLayerNetwork net = ModelStore.load(modelDir);
        return new ModelRun(dir, settings, data, MhcNetworks.modelConfig(net), tokenizer, net);
    }

    /** A tokenized dataset's tokenizer (local or hdfs://), else bytes. */
    private static Tokenizer tokenizerOf(String data, Configuration hadoop) {
        try {
            org.apache.hadoop.fs.Path manifest = new org.apache.hadoop.fs.Path(data, DatasetManifest.FILE_NAME);
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
        return dir.toAbsolutePath().normalize().getFileName().toString();
    }
}

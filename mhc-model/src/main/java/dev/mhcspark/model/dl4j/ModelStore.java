package dev.mhcspark.model.dl4j;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mhcspark.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A saved model is a directory with {@code model.zip} (DL4J's {@link ModelSerializer} format: configuration,
 * parameters and updater state) and a readable {@code config.json} (the {@link ModelConfig}). Both are written
 * to temporary files and renamed into place, so a crash never leaves a half-written model.
 */
public final class ModelStore {
    public static final String MODEL_FILE = "model.zip";
    public static final String CONFIG_FILE = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelStore() {
    }

    public static void save(MultiLayerNetwork net, Path dir) {
        try {
            Files.createDirectories(dir);
            Path zipTmp = Files.createTempFile(dir, ".model-", ".zip.tmp");
            Path jsonTmp = Files.createTempFile(dir, ".config-", ".json.tmp");
            try {
                ModelSerializer.writeModel(net, zipTmp.toFile(), true);
                Files.writeString(jsonTmp, MhcNetworks.modelConfig(net).toJson() + "\n", StandardCharsets.UTF_8);
                move(zipTmp, dir.resolve(MODEL_FILE));
                move(jsonTmp, dir.resolve(CONFIG_FILE));
            } finally {
                Files.deleteIfExists(zipTmp);
                Files.deleteIfExists(jsonTmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Loads a saved model; its {@code config.json} and the configuration inside {@code model.zip} must agree. */
    public static MultiLayerNetwork load(Path dir) {
        ModelConfig declared = readConfig(dir);
        Path zip = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(zip)) {
            throw new IllegalArgumentException("no " + MODEL_FILE + " in " + dir + ": not a saved model directory");
        }
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), true);
        } catch (Exception | LinkageError e) {
            throw new IllegalArgumentException("model file " + zip + " is corrupt or truncated (" + e + ")", e);
        }
        requireSame(declared, MhcNetworks.modelConfig(net), CONFIG_FILE + " of " + dir, zip.toString());
        return net;
    }

    /** Loads a saved model and checks that it has the config the caller expects. */
    public static MultiLayerNetwork load(Path dir, ModelConfig expected) {
        MultiLayerNetwork net = load(dir);
        requireSame(expected, MhcNetworks.modelConfig(net), "the requested model settings", "the model in " + dir);
        return net;
    }

    public static ModelConfig readConfig(Path dir) {
        Path json = dir.resolve(CONFIG_FILE);
        try {
            return ModelConfig.fromJson(Files.readString(json, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no " + CONFIG_FILE + " in " + dir + ": not a saved model directory", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + json + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(json + ": " + e.getMessage(), e);
        }
    }

    private static void requireSame(ModelConfig a, ModelConfig b, String aName, String bName) {
        if (a.equals(b)) {
            return;
        }
        Map<String, Object> ma = new TreeMap<>(JSON.convertValue(a, Map.class));
        Map<String, Object> mb = new TreeMap<>(JSON.convertValue(b, Map.class));
        StringBuilder diff = new StringBuilder();
        for (String key : ma.keySet()) {
            if (!String.valueOf(ma.get(key)).equals(String.valueOf(mb.get(key)))) {
                diff.append("\n  ").append(key).append(": ").append(ma.get(key)).append(" vs ").append(mb.get(key));
            }
        }
        throw new IllegalArgumentException("model config mismatch between " + aName + " and " + bName + ":" + diff);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

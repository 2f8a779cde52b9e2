package dev.mhcspark.jobs;

import dev.mhcspark.datasets.io.Checksums;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The models of an executor JVM, restored from broadcast bytes once and reused by every later task. A network is
 * not thread-safe and an executor runs several tasks at once, so each running task borrows its own copy: an
 * executor holds as many copies as it ever ran tasks at the same time. Keyed by the SHA-256 of the bytes, so two
 * models never mix.
 */
final class ExecutorModels {
    private static final Map<String, Queue<MultiLayerNetwork>> IDLE = new ConcurrentHashMap<>();

    private ExecutorModels() {
    }

    /** The network without its updater state, as bytes to broadcast. */
    static byte[] serialize(MultiLayerNetwork net) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ModelSerializer.writeModel(net, bytes, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise the model: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    static String key(byte[] bytes) {
        return Checksums.sha256(bytes);
    }

    /** An idle copy of the model, or a fresh one restored from {@code bytes} when all copies are in use. */
    static MultiLayerNetwork borrow(String key, Supplier<byte[]> bytes) {
        MultiLayerNetwork idle = IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).poll();
        if (idle != null) {
            return idle;
        }
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.get()), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the broadcast model: " + e.getMessage(), e);
        }
    }

    static void giveBack(String key, MultiLayerNetwork net) {
        IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(net);
    }
}

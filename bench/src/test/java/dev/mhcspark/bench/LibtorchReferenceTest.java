package dev.mhcspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks that the libtorch reference is the model it claims to be, on a tiny configuration that trains
 * in well under a second. libtorch itself loads once per JVM (~1 s; the first run on a machine also
 * unpacks ~430 MB into {@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}).
 */
class LibtorchReferenceTest {

    private static final int VOCAB = 64;
    private static final int D = 32;
    private static final int HEADS = 4;
    private static final int BLOCKS = 2;
    private static final int T = 16;
    private static final int BATCH = 8;

    @BeforeAll
    static void configureDjl() {
        // Never reach for the network; the native library comes from the pytorch-native-cpu jar.
        setIfAbsent("ai.djl.offline", "true");
        // One thread: the model is tiny, and two OpenMP threads spin badly when the other core is busy.
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    @Test
    void memorisesARepeatedBatch() {
        float[] losses = LibtorchReference.lossOnRepeatedBatch(VOCAB, D, HEADS, BLOCKS, T, BATCH, 20, 1e-2f, 7);

        // Small initial logits give a near-uniform prediction: the mean cross-entropy starts at ln V.
        assertEquals(Math.log(VOCAB), losses[0], 0.1, "initial loss " + Arrays.toString(losses));
        // Memorising 128 random next tokens with 20 AdamW steps at lr 1e-2 takes the loss far below ln V.
        assertTrue(losses[losses.length - 1] < 0.4 * losses[0], "loss did not drop enough: " + Arrays.toString(losses));
    }

    @Test
    void trainsAtTheBenchmarkLearningRate() {
        float[] losses = LibtorchReference.lossOnRepeatedBatch(
                VOCAB, D, HEADS, BLOCKS, T, BATCH, 20, LibtorchReference.LEARNING_RATE, 7);

        for (int i = 1; i < losses.length; i++) {
            assertTrue(losses[i] < losses[i - 1], "loss rose at step " + i + ": " + Arrays.toString(losses));
        }
        assertTrue(losses[0] - losses[losses.length - 1] > 0.2, "loss barely moved: " + Arrays.toString(losses));
    }

    @Test
    void attentionIsCausalAndReachesBack() {
        int k = T / 2;
        long[] base = new long[T];
        for (int t = 0; t < T; t++) {
            base[t] = (7L * t + 3) % VOCAB;
        }
        long[] futureChanged = base.clone();
        for (int t = k; t < T; t++) {
            futureChanged[t] = (base[t] + 1) % VOCAB;
        }
        long[] firstChanged = base.clone();
        firstChanged[0] = (base[0] + 1) % VOCAB;

        long[] tokens = new long[3 * T];
        System.arraycopy(base, 0, tokens, 0, T);
        System.arraycopy(futureChanged, 0, tokens, T, T);
        System.arraycopy(firstChanged, 0, tokens, 2 * T, T);
        float[] logits = LibtorchReference.logits(VOCAB, D, HEADS, BLOCKS, T, 3, tokens, 11);

        for (int t = 0; t < k; t++) {
            assertTrue(maxAbsDiff(logits, 0, t, 1, t) < 1e-5,
                    "position " + t + " sees tokens from position " + k + " on");
        }
        assertTrue(maxAbsDiff(logits, 0, k, 1, k) > 1e-3, "changing token " + k + " did not change its own logits");
        assertTrue(maxAbsDiff(logits, 0, T - 1, 2, T - 1) > 1e-4, "the last position does not see the first token");
    }

    @Test
    void countsEveryParameter() {
        long d = D;
        long perBlock = 3 * d * d + d * d            // fused QKV and output projection, no biases
                + (4 * d * d + 4 * d) + (4 * d * d + d)  // FFN with biases
                + 2 * d;                             // two RMSNorm gains
        long expected = VOCAB * d + T * d + BLOCKS * perBlock + d + d * VOCAB;
        assertEquals(expected, LibtorchReference.parameterCount(VOCAB, D, HEADS, BLOCKS, T));

        // The STACK.md reference configuration (N = 3.32 M, learned positions included).
        assertEquals(3_316_992L, LibtorchReference.parameterCount(256, 256, 4, 4, 128));
        assertEquals(6 * 3_316_992.0 + 12 * 4 * 256 * 128, LibtorchReference.flopsPerToken(3_316_992L, 4, 256, 128));
    }

    /** Largest |difference| between the logits of (row a, position ta) and (row b, position tb). */
    private static double maxAbsDiff(float[] logits, int a, int ta, int b, int tb) {
        int offsetA = (a * T + ta) * VOCAB;
        int offsetB = (b * T + tb) * VOCAB;
        double max = 0;
        for (int v = 0; v < VOCAB; v++) {
            max = Math.max(max, Math.abs(logits[offsetA + v] - logits[offsetB + v]));
        }
        return max;
    }
}

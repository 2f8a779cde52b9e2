package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.model.dl4j.Generation;
import dev.mhcspark.model.dl4j.Generation.Generated;
import dev.mhcspark.model.dl4j.Generation.StopReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Greedy generation and continuation log-likelihoods against the plainest independent computation: one
 * {@code net.output} per prefix, unbatched and unpadded, with the softmax taken by hand.
 */
class GenerationTest {
    private static final int CONTEXT = TinyModels.config(ConnectionType.MHC).contextLength(); // 6

    private static MultiLayerNetwork model(ConnectionType type) {
        MultiLayerNetwork net = TinyModels.network(TinyModels.config(type), 5);
        TinyModels.perturb(net, 6, 0.5); // a model whose argmax actually depends on the input
        return net;
    }

    /** The logits of the last position of {@code sequence}'s visible window, from a forward pass of that alone. */
    private static double[] lastLogitsAlone(MultiLayerNetwork net, int[] sequence) {
        int[] w = sequence.length <= CONTEXT ? sequence
                : Arrays.copyOfRange(sequence, sequence.length - CONTEXT, sequence.length);
        double[] ids = Arrays.stream(w).asDoubleStream().toArray();
        INDArray out = net.output(Nd4j.create(ids, new long[] {1, w.length}, DataType.DOUBLE));
        return out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                org.nd4j.linalg.indexing.NDArrayIndex.point(w.length - 1),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).toDoubleVector();
    }

    @ParameterizedTest
    @EnumSource(ConnectionType.class)
    void batchedGreedyGenerationEqualsArgmaxOfEachPrefixAlone(ConnectionType type) {
        MultiLayerNetwork net = model(type);
        // lengths 1, 4 and 9: shorter than, close to and longer than the context of 6 (left-truncated), so rows
        // are padded differently and the window slides while generating
        List<int[]> prompts = List.of(new int[] {3}, new int[] {1, 2, 3, 4}, new int[] {9, 8, 7, 6, 5, 4, 3, 2, 1});
        int budget = 7;
        List<Generated> batched = Generation.greedy(net, prompts, budget, (row, g) -> false);
        for (int r = 0; r < prompts.size(); r++) {
            Generated g = batched.get(r);
            assertEquals(budget, g.tokens().length);
            assertEquals(StopReason.MAX_NEW_TOKENS, g.reason());
            int[] sequence = prompts.get(r);
            for (int token : g.tokens()) {
                double[] logits = lastLogitsAlone(net, sequence);
                int best = 0;
                for (int v = 1; v < logits.length; v++) {
                    best = logits[v] > logits[best] ? v : best;
                }
                assertEquals(best, token, "row " + r + " after " + Arrays.toString(sequence));
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = token;
            }
            // the same prompt alone in its batch gives the same tokens
            assertArrayEquals(g.tokens(), Generation.greedy(net, List.of(prompts.get(r)), budget,
                    (row, x) -> false).get(0).tokens());
        }
    }

    @Test
    void aRowStopsAtTheTokenItsStopRuleFlagsWhileOthersGoOn() {
        MultiLayerNetwork net = model(ConnectionType.MHC);
        List<int[]> prompts = List.of(new int[] {1, 2}, new int[] {3, 4, 5});
        int[] free = Generation.greedy(net, prompts, 8, (r, g) -> false).get(0).tokens();
        int stopToken = free[3];
        int firstAt = 0;
        while (free[firstAt] != stopToken) {
            firstAt++;
        }
        List<int[]> seen = new ArrayList<>();
        List<Generated> out = Generation.greedy(net, prompts, 8, (row, g) -> {
            if (row == 0) {
                seen.add(g);
                return g[g.length - 1] == stopToken;
            }
            return false;
        });
        assertEquals(StopReason.STOP_RULE, out.get(0).reason());
        assertArrayEquals(Arrays.copyOf(free, firstAt + 1), out.get(0).tokens(),
                "generation stops right after the first stop token, which it keeps");
        assertEquals(firstAt + 1, seen.size(), "the rule is asked once per generated token, and never again");
        assertEquals(8, out.get(1).tokens().length);
        assertEquals(StopReason.MAX_NEW_TOKENS, out.get(1).reason());
    }

    @ParameterizedTest
    @EnumSource(ConnectionType.class)
    void continuationLogProbsEqualSoftmaxOfEachPrefixSummedByHand(ConnectionType type) {
        MultiLayerNetwork net = model(type);
        List<int[]> contexts = List.of(new int[] {2, 7}, new int[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {5});
        List<int[]> continuations = List.of(new int[] {3}, new int[] {9, 10, 0}, new int[] {4, 4, 4, 4, 4});
        double[] batched = Generation.continuationLogProbs(net, contexts, continuations);
        for (int i = 0; i < contexts.size(); i++) {
            int[] sequence = contexts.get(i);
            double expected = 0;
            for (int token : continuations.get(i)) {
                double[] logits = lastLogitsAlone(net, sequence);
                double z = 0;
                for (double v : logits) {
                    z += Math.exp(v);
                }
                expected += Math.log(Math.exp(logits[token]) / z);
                sequence = Arrays.copyOf(sequence, sequence.length + 1);
                sequence[sequence.length - 1] = token;
            }
            assertEquals(expected, batched[i], 1e-9, "pair " + i);
            assertTrue(batched[i] < 0);
        }
    }

    @Test
    void badInputsAreClearErrors() {
        MultiLayerNetwork net = model(ConnectionType.RESIDUAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Generation.continuationLogProbs(net, List.of(new int[] {1}), List.of(new int[0])));
        assertTrue(e.getMessage().contains("continuation 0: empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Generation.greedy(net, List.of(new int[] {1, 11}), 3, (r, g) -> false));
        assertTrue(e.getMessage().contains("prompt 0: token id 11 at 1 is outside the model's vocabulary [0, 11)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Generation.greedy(net, List.of(new int[0]), 3, (r, g) -> false));
        assertTrue(e.getMessage().contains("prompt 0: empty"), e.getMessage());
    }
}

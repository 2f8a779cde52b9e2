package dev.mhcspark.model.dl4j;

import dev.mhcspark.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference with a trained network: batched greedy generation and the log-likelihood of continuations.
 *
 * <p>No KV cache: every generated token costs one forward pass over the rows still generating. Rows of a batch
 * have different lengths; each is right-padded to the longest. Padding after a row's last real token cannot change
 * that token's logits (attention is causal and every other part of the model works token by token), so a row's
 * result does not depend on what else is in its batch.
 *
 * <p>The learned positional embedding covers {@code context_length} positions: a sequence longer than that is
 * <b>left-truncated</b>, the model sees its last {@code context_length} tokens (positions restart at 0). During
 * generation the window slides: each new token is predicted from the last {@code context_length} tokens of prompt
 * plus generated text.
 *
 * <p>A network is not thread-safe: give each thread its own.
 */
public final class Generation {
    /** Id written into the padding positions; any valid id will do, since no real token attends to them. */
    private static final int PAD = 0;

    private Generation() {
    }

    /** Decides after every generated token whether a row is finished (a stop sequence, an end-of-text id, ...). */
    @FunctionalInterface
    public interface StopRule {
        /**
         * @param row       index of the prompt in the batch
         * @param generated the row's generated tokens so far (not the prompt)
         */
        boolean stop(int row, int[] generated);
    }

    /** Why a row stopped generating. */
    public enum StopReason { STOP_RULE, MAX_NEW_TOKENS }

    /** The generated tokens of one prompt (the token that triggered the stop rule included) and why it stopped. */
    public record Generated(int[] tokens, StopReason reason) {
    }

    /** The tokens of {@code sequence} the model can see: its last {@code contextLength} ones. */
    public static int[] window(int[] sequence, int contextLength) {
        return sequence.length <= contextLength ? sequence
                : Arrays.copyOfRange(sequence, sequence.length - contextLength, sequence.length);
    }

    /**
     * Greedy decoding (argmax; the lowest id wins a tie) of all {@code prompts} as one batch, at most
     * {@code maxNewTokens} tokens each; a row stops early when {@code stop} says so.
     *
     * @throws IllegalArgumentException for an empty prompt, an id outside the vocabulary or a budget below 1
     */
    public static List<Generated> greedy(MultiLayerNetwork net, List<int[]> prompts, int maxNewTokens,
            StopRule stop) {
        ModelConfig config = MhcNetworks.modelConfig(net);
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens: must be >= 1, got " + maxNewTokens);
        }
        int rows = prompts.size();
        int[][] sequences = new int[rows][];
        int[] promptLengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            sequences[r] = checked(prompts.get(r), config, "prompt " + r);
            promptLengths[r] = sequences[r].length;
        }
        StopReason[] reasons = new StopReason[rows];
        List<Integer> active = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            active.add(r);
        }
        for (int step = 0; step < maxNewTokens && !active.isEmpty(); step++) {
            List<int[]> windows = new ArrayList<>(active.size());
            for (int r : active) {
                windows.add(window(sequences[r], config.contextLength()));
            }
            double[][] last = lastLogits(net, windows, config.vocabSize());
            List<Integer> still = new ArrayList<>(active.size());
            for (int a = 0; a < active.size(); a++) {
                int r = active.get(a);
                int next = argmax(last[a]);
                int[] grown = Arrays.copyOf(sequences[r], sequences[r].length + 1);
                grown[grown.length - 1] = next;
                sequences[r] = grown;
                int[] generated = Arrays.copyOfRange(grown, promptLengths[r], grown.length);
                if (stop.stop(r, generated)) {
                    reasons[r] = StopReason.STOP_RULE;
                } else if (generated.length >= maxNewTokens) {
                    reasons[r] = StopReason.MAX_NEW_TOKENS;
                } else {
                    still.add(r);
                }
            }
            active = still;
        }
        List<Generated> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(new Generated(Arrays.copyOfRange(sequences[r], promptLengths[r], sequences[r].length),
                    reasons[r]));
        }
        return out;
    }

    /**
     * The summed natural-log probability of each continuation's tokens given the context before it:
     * {@code sum_j log p(continuation[j] | context, continuation[0..j-1])}. Each token is predicted as generation
     * would predict it, from the last {@code context_length} tokens before it: when context plus continuation fit
     * the context length, one row scores the whole continuation; otherwise each token gets its own left-truncated
     * row. All rows of all pairs go through one forward pass.
     *
     * @throws IllegalArgumentException for an empty context or continuation, or an id outside the vocabulary
     */
    public static double[] continuationLogProbs(MultiLayerNetwork net, List<int[]> contexts,
            List<int[]> continuations) {
        ModelConfig config = MhcNetworks.modelConfig(net);
        if (contexts.size() != continuations.size()) {
            throw new IllegalArgumentException(contexts.size() + " contexts but " + continuations.size()
                    + " continuations");
        }
        int n = contexts.size();
        int c = config.contextLength();
        List<int[]> windows = new ArrayList<>();
        List<int[]> predicting = new ArrayList<>(); // per window: the positions whose logits score a token
        List<Integer> owners = new ArrayList<>();   // per window: the pair it belongs to
        for (int i = 0; i < n; i++) {
            int[] context = checked(contexts.get(i), config, "context " + i);
            int[] continuation = continuations.get(i);
            if (continuation.length == 0) {
                throw new IllegalArgumentException("continuation " + i + ": empty; nothing to score");
            }
            checked(continuation, config, "continuation " + i);
            int m = continuation.length;
            int[] joined = Arrays.copyOf(context, context.length + m);
            System.arraycopy(continuation, 0, joined, context.length, m);
            if (joined.length <= c) {
                int[] positions = new int[m];
                for (int j = 0; j < m; j++) {
                    positions[j] = context.length - 1 + j;
                }
                windows.add(joined);
                predicting.add(positions);
                owners.add(i);
            } else {
                for (int j = 0; j < m; j++) {
                    int[] w = window(Arrays.copyOf(joined, context.length + j), c);
                    windows.add(w);
                    predicting.add(new int[] {w.length - 1});
                    owners.add(i);
                }
            }
        }
        double[] sums = new double[n];
        if (n == 0) {
            return sums;
        }
        int width = windows.stream().mapToInt(w -> w.length).max().orElseThrow();
        INDArray logits = forward(net, windows, width);
        int total = predicting.stream().mapToInt(p -> p.length).sum();
        int[] rowsNeeded = new int[total];
        int k = 0;
        for (int w = 0; w < windows.size(); w++) {
            for (int position : predicting.get(w)) {
                rowsNeeded[k++] = w * width + position;
            }
        }
        double[][] picked = pull(logits, rowsNeeded);
        int[] scored = new int[n]; // continuation tokens of each pair scored so far, in order
        k = 0;
        for (int w = 0; w < windows.size(); w++) {
            int i = owners.get(w);
            for (int ignored : predicting.get(w)) {
                sums[i] += logSoftmax(picked[k++], continuations.get(i)[scored[i]++]);
            }
        }
        return sums;
    }

    /** The logits at the last position of each window [rows][V]. */
    private static double[][] lastLogits(MultiLayerNetwork net, List<int[]> windows, int vocab) {
        int width = windows.stream().mapToInt(w -> w.length).max().orElseThrow();
        INDArray logits = forward(net, windows, width);
        int[] rows = new int[windows.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i * width + windows.get(i).length - 1;
        }
        double[][] out = pull(logits, rows);
        assert out.length == 0 || out[0].length == vocab;
        return out;
    }

    /** Logits [rows * width, V] of the right-padded windows. */
    private static INDArray forward(MultiLayerNetwork net, List<int[]> windows, int width) {
        int rows = windows.size();
        double[] ids = new double[rows * width];
        Arrays.fill(ids, PAD);
        for (int i = 0; i < rows; i++) {
            int[] w = windows.get(i);
            for (int t = 0; t < w.length; t++) {
                ids[i * width + t] = w[t];
            }
        }
        DataType type = net.params().dataType();
        INDArray features = Nd4j.create(ids, new long[] {rows, width}, DataType.DOUBLE).castTo(type);
        INDArray logits = net.output(features); // [rows, width, V]
        return logits.reshape(logits.size(0) * logits.size(1), logits.size(2));
    }

    private static double[][] pull(INDArray flatLogits, int[] rows) {
        INDArray picked = Nd4j.pullRows(flatLogits, 1, rows);
        return picked.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** {@code log softmax(logits)[token]}, computed stably in double precision. */
    static double logSoftmax(double[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[token] - max - Math.log(sum);
    }

    private static int[] checked(int[] ids, ModelConfig config, String what) {
        if (ids.length == 0) {
            throw new IllegalArgumentException(what + ": empty; the model needs at least one token to start from");
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= config.vocabSize()) {
                throw new IllegalArgumentException(what + ": token id " + ids[i] + " at " + i + " is outside the "
                        + "model's vocabulary [0, " + config.vocabSize() + ")");
            }
        }
        return ids;
    }
}

package dev.mhcspark.datasets;

import java.util.SplittableRandom;

/**
 * Training and validation windows over one token stream: a window is {@code T + 1} consecutive tokens (inputs
 * are the first T, next-token labels the last T). The stream is split once, deterministically: the first
 * {@code 1 - valFraction} of it trains, the rest validates, so no window straddles the two.
 */
public final class TokenWindows {
    private final int[] tokens;
    private final int seqLen;
    private final int trainEnd;

    public TokenWindows(int[] tokens, int seqLen, double valFraction) {
        if (seqLen < 1) {
            throw new IllegalArgumentException("seq-len: must be >= 1, got " + seqLen);
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("val-fraction: must be in (0, 1), got " + valFraction);
        }
        this.tokens = tokens;
        this.seqLen = seqLen;
        this.trainEnd = (int) Math.round(tokens.length * (1 - valFraction));
        if (trainEnd < seqLen + 1 || tokens.length - trainEnd < seqLen + 1) {
            throw new IllegalArgumentException("corpus of " + tokens.length + " tokens is too small for seq-len "
                    + seqLen + " with val-fraction " + valFraction + ": each split needs at least " + (seqLen + 1)
                    + " tokens");
        }
    }

    public int seqLen() {
        return seqLen;
    }

    public int trainTokens() {
        return trainEnd;
    }

    public int validationTokens() {
        return tokens.length - trainEnd;
    }

    /** {@code batch} windows [batch][T + 1] at uniformly random offsets of the training split. */
    public int[][] trainBatch(int batch, SplittableRandom random) {
        int[][] out = new int[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = window(random.nextInt(trainEnd - seqLen));
        }
        return out;
    }

    /**
     * A fixed validation batch: {@code batches * batch} windows spread evenly over the validation split; batch
     * {@code index} of them. The same call always returns the same windows.
     */
    public int[][] validationBatch(int index, int batches, int batch) {
        int count = batches * batch;
        int span = tokens.length - trainEnd - seqLen - 1;
        int[][] out = new int[batch][];
        for (int b = 0; b < batch; b++) {
            int k = index * batch + b;
            out[b] = window(trainEnd + (int) ((long) span * k / Math.max(1, count - 1)));
        }
        return out;
    }

    private int[] window(int start) {
        int[] w = new int[seqLen + 1];
        System.arraycopy(tokens, start, w, 0, seqLen + 1);
        return w;
    }
}

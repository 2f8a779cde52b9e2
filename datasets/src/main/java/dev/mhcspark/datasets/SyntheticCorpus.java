package dev.mhcspark.datasets;

import java.util.SplittableRandom;

/**
 * A learnable synthetic token stream for smoke tests and benchmarks that need no text: a first-order Markov
 * chain where every token has three successors drawn at random, taken with probabilities 0.7, 0.2 and 0.1
 * (entropy 0.80 nats per token, the floor a perfect model reaches).
 */
public final class SyntheticCorpus {
    public static final double ENTROPY_NATS = -(0.7 * Math.log(0.7) + 0.2 * Math.log(0.2) + 0.1 * Math.log(0.1));

    private SyntheticCorpus() {
    }

    public static int[] markov(int length, int vocab, long seed) {
        if (length < 1 || vocab < 2) {
            throw new IllegalArgumentException("synthetic corpus needs length >= 1 and vocab >= 2, got " + length
                    + ", " + vocab);
        }
        SplittableRandom r = new SplittableRandom(seed);
        int[][] next = new int[vocab][3];
        for (int[] successors : next) {
            for (int k = 0; k < 3; k++) {
                successors[k] = r.nextInt(vocab);
            }
        }
        int[] tokens = new int[length];
        for (int i = 1; i < length; i++) {
            double u = r.nextDouble();
            tokens[i] = next[tokens[i - 1]][u < 0.7 ? 0 : u < 0.9 ? 1 : 2];
        }
        return tokens;
    }
}

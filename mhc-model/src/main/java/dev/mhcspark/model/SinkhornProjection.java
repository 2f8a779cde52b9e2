package dev.mhcspark.model;

/**
 * Sinkhorn-Knopp projection of an n x n logit matrix onto the doubly stochastic matrices (MHC.md §3):
 * {@code M = exp(logits)}, then t_max times "normalise every column to sum 1, then every row to sum 1".
 * Rows are exact on return; the truncation error stays in the column sums.
 *
 * <p>Works per token on row-major slices of double arrays, in double precision whatever the network's data
 * type. The backward pass recomputes the forward iterations instead of storing them (MHC.md §6).
 */
public final class SinkhornProjection {
    private final int n;
    private final int iterations;
    /**
     * Per thread: (2 * iterations + 1) matrices of n*n, exp then each half-step, and one more for the backward
     * pass's running gradient; tokens run in parallel.
     */
    private final ThreadLocal<double[]> scratch;

    public SinkhornProjection(int n, int iterations) {
        if (n < 1 || iterations < 1) {
            throw new IllegalArgumentException("Sinkhorn needs n >= 1 and iterations >= 1, got n=" + n
                    + ", iterations=" + iterations);
        }
        this.n = n;
        this.iterations = iterations;
        this.scratch = ThreadLocal.withInitial(() -> new double[(2 * iterations + 2) * n * n]);
    }

    /** Projects {@code logits[lo .. lo+n*n)} into {@code out[oo .. oo+n*n)}. */
    public void project(double[] logits, int lo, double[] out, int oo) {
        double[] states = run(logits, lo);
        System.arraycopy(states, 2 * iterations * n * n, out, oo, n * n);
    }

    /**
     * Given dL/dH for {@code H = project(logits)}, writes dL/dlogits into {@code dLogits[dlo ..)}.
     */
    public void backward(double[] logits, int lo, double[] dOut, int doo, double[] dLogits, int dlo) {
        double[] states = run(logits, lo);
        int nn = n * n;
        double[] g = states;  // the running gradient lives after the states
        int go = (2 * iterations + 1) * nn;
        System.arraycopy(dOut, doo, g, go, nn);
        for (int step = 2 * iterations; step >= 1; step--) {
            int outOff = step * nn;
            int inOff = (step - 1) * nn;
            boolean rowStep = step % 2 == 0;  // odd half-steps normalise columns, even ones rows
            // out = in / s over the normalised line; d in = (d out - sum_line(d out * out)) / s
            for (int a = 0; a < n; a++) {
                double s = 0;
                double dot = 0;
                for (int b = 0; b < n; b++) {
                    int idx = rowStep ? a * n + b : b * n + a;
                    s += states[inOff + idx];
                    dot += g[go + idx] * states[outOff + idx];
                }
                double inverse = 1 / s;  // one division per line: a division costs several multiplications
                for (int b = 0; b < n; b++) {
                    int idx = go + (rowStep ? a * n + b : b * n + a);
                    g[idx] = (g[idx] - dot) * inverse;
                }
            }
        }
        // exp: the max shift of run() leaves the output unchanged, so it has no gradient
        for (int i = 0; i < nn; i++) {
            dLogits[dlo + i] = g[go + i] * states[i];
        }
    }

    private double[] run(double[] logits, int lo) {
        double[] states = scratch.get();
        int nn = n * n;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nn; i++) {
            max = Math.max(max, logits[lo + i]);
        }
        // exp(l - max): the column normalisation makes the result invariant to a common shift
        for (int i = 0; i < nn; i++) {
            states[i] = Math.exp(logits[lo + i] - max);
        }
        for (int step = 1; step <= 2 * iterations; step++) {
            int outOff = step * nn;
            int inOff = (step - 1) * nn;
            boolean rowStep = step % 2 == 0;
            for (int a = 0; a < n; a++) {
                double s = 0;
                for (int b = 0; b < n; b++) {
                    s += states[inOff + (rowStep ? a * n + b : b * n + a)];
                }
                double inverse = 1 / s;
                for (int b = 0; b < n; b++) {
                    int idx = rowStep ? a * n + b : b * n + a;
                    states[outOff + idx] = states[inOff + idx] * inverse;
                }
            }
        }
        return states;
    }
}

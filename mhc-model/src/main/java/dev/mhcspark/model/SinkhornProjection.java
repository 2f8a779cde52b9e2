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
     * Per thread, tokens running in parallel: (2 * iterations + 1) matrices of n*n (exp, then each half-step),
     * one more for the backward pass's running gradient, then two vectors of n (column sums and dots).
     */
    private final ThreadLocal<double[]> scratch;

    public SinkhornProjection(int n, int iterations) {
        if (n < 1 || iterations < 1) {
            throw new IllegalArgumentException("Sinkhorn needs n >= 1 and iterations >= 1, got n=" + n
                    + ", iterations=" + iterations);
        }
        this.n = n;
        this.iterations = iterations;
        this.scratch = ThreadLocal.withInitial(() -> new double[(2 * iterations + 2) * n * n + 2 * n]);
    }

    /** Projects {@code logits[lo .. lo+n*n)} into {@code out[oo .. oo+n*n)}. */
    public void project(double[] logits, int lo, double[] out, int oo) {
        double[] work = scratch.get();
        int sums = work.length - 2 * n;
        exp(logits, lo, out, oo);
        for (int it = 0; it < iterations; it++) {  // in place: the forward pass keeps no intermediate state
            normaliseColumns(out, oo, out, oo, work, sums);
            normaliseRows(out, oo, out, oo);
        }
    }

    /**
     * Given dL/dH for {@code H = project(logits)}, writes dL/dlogits into {@code dLogits[dlo ..)}.
     */
    public void backward(double[] logits, int lo, double[] dOut, int doo, double[] dLogits, int dlo) {
        double[] w = scratch.get();  // states, then the running gradient g, then sums and dots
        int nn = n * n;
        int sums = w.length - 2 * n;
        int dots = sums + n;
        exp(logits, lo, w, 0);
        for (int step = 1; step <= 2 * iterations; step++) {
            if (step % 2 == 1) {
                normaliseColumns(w, (step - 1) * nn, w, step * nn, w, sums);
            } else {
                normaliseRows(w, (step - 1) * nn, w, step * nn);
            }
        }
        int go = (2 * iterations + 1) * nn;
        System.arraycopy(dOut, doo, w, go, nn);
        // out = in / s over each normalised line, so d in = (d out - sum_line(d out * out)) / s
        for (int step = 2 * iterations; step >= 1; step--) {
            int out = step * nn;
            int in = (step - 1) * nn;
            if (step % 2 == 0) {
                for (int row = 0; row < nn; row += n) {
                    double sum = 0;
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        sum += w[in + row + j];
                        dot += w[go + row + j] * w[out + row + j];
                    }
                    double inverse = 1 / sum;  // one division per line: a division costs several multiplications
                    for (int j = 0; j < n; j++) {
                        w[go + row + j] = (w[go + row + j] - dot) * inverse;
                    }
                }
            } else {
                for (int j = 0; j < n; j++) {
                    w[sums + j] = 0;
                    w[dots + j] = 0;
                }
                for (int row = 0; row < nn; row += n) {  // row by row: the lines are columns, the memory rows
                    for (int j = 0; j < n; j++) {
                        w[sums + j] += w[in + row + j];
                        w[dots + j] += w[go + row + j] * w[out + row + j];
                    }
                }
                for (int j = 0; j < n; j++) {
                    w[sums + j] = 1 / w[sums + j];
                }
                for (int row = 0; row < nn; row += n) {
                    for (int j = 0; j < n; j++) {
                        w[go + row + j] = (w[go + row + j] - w[dots + j]) * w[sums + j];
                    }
                }
            }
        }
        // exp: the max shift of exp() leaves the output unchanged, so it has no gradient
        for (int i = 0; i < nn; i++) {
            dLogits[dlo + i] = w[go + i] * w[i];
        }
    }

    /** {@code exp(l - max l)} of the n*n logits: the column normalisation makes the result shift-invariant. */
    private void exp(double[] logits, int lo, double[] out, int oo) {
        int nn = n * n;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < nn; i++) {
            max = Math.max(max, logits[lo + i]);
        }
        for (int i = 0; i < nn; i++) {
            out[oo + i] = Math.exp(logits[lo + i] - max);
        }
    }

    /** Divides every column by its sum; {@code work[wo .. wo+n)} holds the sums meanwhile. */
    private void normaliseColumns(double[] in, int io, double[] out, int oo, double[] work, int wo) {
        int nn = n * n;
        for (int j = 0; j < n; j++) {
            work[wo + j] = 0;
        }
        for (int row = 0; row < nn; row += n) {
            for (int j = 0; j < n; j++) {
                work[wo + j] += in[io + row + j];
            }
        }
        for (int j = 0; j < n; j++) {
            work[wo + j] = 1 / work[wo + j];
        }
        for (int row = 0; row < nn; row += n) {
            for (int j = 0; j < n; j++) {
                out[oo + row + j] = in[io + row + j] * work[wo + j];
            }
        }
    }

    /** Divides every row by its sum. */
    private void normaliseRows(double[] in, int io, double[] out, int oo) {
        for (int row = 0; row < n * n; row += n) {
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += in[io + row + j];
            }
            double inverse = 1 / sum;
            for (int j = 0; j < n; j++) {
                out[oo + row + j] = in[io + row + j] * inverse;
            }
        }
    }
}

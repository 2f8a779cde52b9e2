package dev.mhcspark.model;

/**
 * Sinkhorn-Knopp projection of an n x n logit matrix onto the doubly stochastic matrices (MHC.md §3):
 * {@code M = exp(logits)}, then t_max times "normalise every column to sum 1, then every row to sum 1".
 * Rows are exact on return; the truncation error stays in the column sums.
 *
 * <p>Works on a batch of tokens' row-major n x n slices of double arrays, in double precision whatever the
 * network's data type. The backward pass recomputes the forward iterations instead of storing them (MHC.md §6).
 *
 * <p>Inside, up to {@link #LANES} tokens run side by side: entry e of the matrices of all of them is one array
 * {@code [lanes]}, so every step of the iteration is a loop over tokens that the JIT vectorises (one 4 x 4
 * matrix alone is too small for SIMD). Instances may be used from several threads at once.
 */
public final class SinkhornProjection {
    /** Tokens per block: a block's forward states for the backward pass stay within L2 (41 x 16 x 64 doubles). */
    static final int LANES = 64;

    /**
     * Per thread, shared by all instances (a model wires new ones every pass, and all of them have the same
     * shape): one block's work arrays.
     */
    private static final ThreadLocal<Block> BLOCKS = new ThreadLocal<>();

    private final int n;
    private final int iterations;

    /** Work arrays: states[step][entry][lane], step 0 the exp, then the running gradient and two line vectors. */
    private record Block(double[][][] states, double[][] g, double[] sum, double[] dot) {
        Block(int steps, int entries) {
            this(new double[steps][entries][LANES], new double[entries][LANES], new double[LANES], new double[LANES]);
        }
    }

    public SinkhornProjection(int n, int iterations) {
        if (n < 1 || iterations < 1) {
            throw new IllegalArgumentException("Sinkhorn needs n >= 1 and iterations >= 1, got n=" + n
                    + ", iterations=" + iterations);
        }
        this.n = n;
        this.iterations = iterations;
    }

    private Block block() {
        Block b = BLOCKS.get();
        if (b == null || b.states.length != 2 * iterations + 1 || b.g.length != n * n) {
            b = new Block(2 * iterations + 1, n * n);
            BLOCKS.set(b);
        }
        return b;
    }

    /** Projects {@code logits[lo .. lo+n*n)} into {@code out[oo .. oo+n*n)}. */
    public void project(double[] logits, int lo, double[] out, int oo) {
        project(logits, lo, n * n, 1, out, oo);
    }

    /**
     * Projects the logits of {@code tokens} tokens, token k's at {@code logits[lo + k*stride ..)}, into
     * {@code out[oo + k*n*n ..)}.
     */
    public void project(double[] logits, int lo, int stride, int tokens, double[] out, int oo) {
        int nn = n * n;
        Block b = block();
        for (int first = 0; first < tokens; first += LANES) {
            int lanes = Math.min(LANES, tokens - first);
            double[][] m = b.states()[0];  // iterated in place: the forward pass keeps no intermediate state
            exp(logits, lo + first * stride, stride, lanes, b);
            for (int it = 0; it < iterations; it++) {
                normalise(m, m, false, lanes, b.sum());
                normalise(m, m, true, lanes, b.sum());
            }
            for (int l = 0; l < lanes; l++) {
                int o = oo + (first + l) * nn;
                for (int e = 0; e < nn; e++) {
                    out[o + e] = m[e][l];
                }
            }
        }
    }

    /** Given dL/dH for {@code H = project(logits)}, writes dL/dlogits into {@code dLogits[dlo ..)}. */
    public void backward(double[] logits, int lo, double[] dOut, int doo, double[] dLogits, int dlo) {
        backward(logits, lo, n * n, 1, dOut, doo, dLogits, dlo);
    }

    /**
     * The batch form of {@link #backward(double[], int, double[], int, double[], int)}: token k's logits at
     * {@code logits[lo + k*stride ..)}, its dL/dH at {@code dOut[doo + k*n*n ..)}, its dL/dlogits written to
     * {@code dLogits[dlo + k*stride ..)}.
     */
    public void backward(double[] logits, int lo, int stride, int tokens, double[] dOut, int doo,
                         double[] dLogits, int dlo) {
        int nn = n * n;
        Block b = block();
        double[][][] s = b.states();
        double[][] g = b.g();
        for (int first = 0; first < tokens; first += LANES) {
            int lanes = Math.min(LANES, tokens - first);
            exp(logits, lo + first * stride, stride, lanes, b);
            for (int step = 1; step <= 2 * iterations; step++) {  // odd steps columns, even steps rows
                normalise(s[step - 1], s[step], step % 2 == 0, lanes, b.sum());
            }
            for (int l = 0; l < lanes; l++) {
                int o = doo + (first + l) * nn;
                for (int e = 0; e < nn; e++) {
                    g[e][l] = dOut[o + e];
                }
            }
            // out = in / s over each normalised line, so d in = (d out - sum_line(d out * out)) / s
            for (int step = 2 * iterations; step >= 1; step--) {
                double[][] in = s[step - 1];
                double[][] out = s[step];
                boolean rows = step % 2 == 0;
                for (int line = 0; line < n; line++) {
                    int lineStart = first(line, rows);
                    int along = along(rows);
                    double[] sum = b.sum();
                    double[] dot = b.dot();
                    for (int l = 0; l < lanes; l++) {
                        sum[l] = 0;
                        dot[l] = 0;
                    }
                    for (int q = 0; q < n; q++) {
                        int e = lineStart + q * along;
                        accumulate(in[e], g[e], out[e], sum, dot, lanes);
                    }
                    for (int l = 0; l < lanes; l++) {
                        sum[l] = 1 / sum[l];  // one division per line: a division costs several multiplications
                    }
                    for (int q = 0; q < n; q++) {
                        double[] ge = g[lineStart + q * along];
                        for (int l = 0; l < lanes; l++) {
                            ge[l] = (ge[l] - dot[l]) * sum[l];
                        }
                    }
                }
            }
            // exp: the max shift of exp() leaves the output unchanged, so it has no gradient
            double[][] exp = s[0];
            for (int l = 0; l < lanes; l++) {
                int o = dlo + (first + l) * stride;
                for (int e = 0; e < nn; e++) {
                    dLogits[o + e] = g[e][l] * exp[e][l];
                }
            }
        }
    }

    /** {@code sum += in}, {@code dot += g * out}, over the lanes. */
    private static void accumulate(double[] in, double[] g, double[] out, double[] sum, double[] dot, int lanes) {
        for (int l = 0; l < lanes; l++) {
            sum[l] += in[l];
            dot[l] += g[l] * out[l];
        }
    }

    /**
     * {@code exp(l - max l)} of each token's n*n logits into the block's step-0 states: the column normalisation
     * makes the result invariant to the shift.
     */
    private void exp(double[] logits, int lo, int stride, int lanes, Block b) {
        int nn = n * n;
        double[][] m = b.states()[0];
        for (int l = 0; l < lanes; l++) {
            int o = lo + l * stride;
            double max = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < nn; e++) {
                max = Math.max(max, logits[o + e]);
            }
            for (int e = 0; e < nn; e++) {
                m[e][l] = Math.exp(logits[o + e] - max);
            }
        }
    }

    /**
     * {@code out = in} with every row ({@code rows}) or every column divided by its sum. Line {@code i}'s entries
     * are {@code first(i, rows) + q * along(rows)}, q < n, in the row-major n x n layout.
     */
    private void normalise(double[][] in, double[][] out, boolean rows, int lanes, double[] sum) {
        for (int line = 0; line < n; line++) {
            int first = first(line, rows);
            lineSums(in, first, along(rows), lanes, sum);
            for (int q = 0; q < n; q++) {
                int e = first + q * along(rows);
                scale(in[e], sum, out[e], lanes);
            }
        }
    }

    private int first(int line, boolean rows) {
        return rows ? line * n : line;
    }

    private int along(boolean rows) {
        return rows ? 1 : n;
    }

    /** {@code inverse[l] = 1 / sum_q m[first + q * along][l]}. */
    private void lineSums(double[][] m, int first, int along, int lanes, double[] inverse) {
        double[] e0 = m[first];
        for (int l = 0; l < lanes; l++) {
            inverse[l] = e0[l];
        }
        for (int q = 1; q < n; q++) {
            double[] e = m[first + q * along];
            for (int l = 0; l < lanes; l++) {
                inverse[l] += e[l];
            }
        }
        for (int l = 0; l < lanes; l++) {
            inverse[l] = 1 / inverse[l];
        }
    }

    private static void scale(double[] in, double[] factor, double[] out, int lanes) {
        for (int l = 0; l < lanes; l++) {
            out[l] = in[l] * factor[l];
        }
    }
}

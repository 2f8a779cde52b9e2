package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sinkhorn-Knopp against a naive double-precision implementation written independently here. */
class SinkhornProjectionTest {

    /** exp, then t times: divide each column by its sum, then each row by its sum. No max shift. */
    static double[][] naive(double[][] logits, int iterations) {
        int n = logits.length;
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = Math.exp(logits[i][j]);
            }
        }
        for (int it = 0; it < iterations; it++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (double[] row : m) {
                    s += row[j];
                }
                for (double[] row : m) {
                    row[j] /= s;
                }
            }
            for (double[] row : m) {
                double s = 0;
                for (double v : row) {
                    s += v;
                }
                for (int j = 0; j < n; j++) {
                    row[j] /= s;
                }
            }
        }
        return m;
    }

    static double[] flat(double[][] m) {
        int n = m.length;
        double[] f = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, f, i * n, n);
        }
        return f;
    }

    static double[][] randomLogits(Random r, int n, double scale) {
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                l[i][j] = (r.nextDouble() * 2 - 1) * scale;
            }
        }
        return l;
    }

    @Test
    void matchesNaiveImplementationIncludingExtremeLogits() {
        Random r = new Random(42);
        for (int n : new int[] {1, 2, 4, 6}) {
            for (double scale : new double[] {0.1, 3, 30}) {
                for (int rep = 0; rep < 20; rep++) {
                    double[][] logits = randomLogits(r, n, scale);
                    if (rep == 0) {  // the extremes themselves
                        for (int i = 0; i < n; i++) {
                            logits[i][(i + 1) % n] = 30;
                            logits[i][i] = -30;
                        }
                    }
                    double[] expected = flat(naive(logits, 20));
                    double[] actual = new double[n * n];
                    new SinkhornProjection(n, 20).project(flat(logits), 0, actual, 0);
                    for (int k = 0; k < n * n; k++) {
                        assertEquals(expected[k], actual[k], 1e-9, "n=" + n + " scale=" + scale + " entry " + k);
                    }
                }
            }
        }
    }

    @Test
    void rowsAreExactAndColumnsConvergeWithIterations() {
        double[][] logits = randomLogits(new Random(1), 4, 5);
        double[] few = new double[16];
        double[] many = new double[16];
        new SinkhornProjection(4, 2).project(flat(logits), 0, few, 0);
        new SinkhornProjection(4, 200).project(flat(logits), 0, many, 0);
        assertEquals(0, maxColumnError(many), 1e-12);
        for (int i = 0; i < 4; i++) {
            double row = few[4 * i] + few[4 * i + 1] + few[4 * i + 2] + few[4 * i + 3];
            assertEquals(1, row, 1e-12);
        }
        assertEquals(true, maxColumnError(few) > maxColumnError(many));
    }

    @Test
    void identityLogitsGiveThePublishedValues() {
        // MHC.md: SinkhornKnopp(exp(I)) has diagonal ~0.475 and off-diagonal ~0.175 for n = 4
        double[] out = new double[16];
        double[] eye = new double[16];
        for (int i = 0; i < 4; i++) {
            eye[5 * i] = 1;
        }
        new SinkhornProjection(4, 20).project(eye, 0, out, 0);
        assertEquals(Math.E / (Math.E + 3), out[0], 1e-12);
        assertEquals(0.475, out[0], 5e-4);
        assertEquals(0.175, out[1], 5e-4);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random r = new Random(7);
        int n = 4;
        SinkhornProjection p = new SinkhornProjection(n, 20);
        double[] logits = flat(randomLogits(r, n, 3));
        double[] upstream = new double[n * n];
        for (int k = 0; k < upstream.length; k++) {
            upstream[k] = r.nextGaussian();
        }
        double[] analytic = new double[n * n];
        p.backward(logits, 0, upstream, 0, analytic, 0);
        double h = 1e-6;
        for (int k = 0; k < n * n; k++) {
            double[] plus = logits.clone();
            double[] minus = logits.clone();
            plus[k] += h;
            minus[k] -= h;
            double numeric = (dot(naive(unflat(plus, n), 20), upstream) - dot(naive(unflat(minus, n), 20), upstream))
                    / (2 * h);
            assertEquals(numeric, analytic[k], 1e-7, "d/dlogit " + k);
        }
    }

    @Test
    void batchesOfTokensMatchTheNaiveImplementationTokenByToken() {
        // 150 tokens span three blocks of lanes; the logits sit at an offset within a wider stride, as mHC's do
        Random r = new Random(11);
        int n = 4;
        int nn = n * n;
        int tokens = 150;
        int stride = nn + 8;
        int offset = 8;
        double[] logits = new double[tokens * stride];
        double[] upstream = new double[tokens * nn];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (r.nextDouble() * 2 - 1) * (i % 7 == 0 ? 30 : 3);
        }
        for (int i = 0; i < upstream.length; i++) {
            upstream[i] = r.nextGaussian();
        }
        SinkhornProjection p = new SinkhornProjection(n, 20);
        double[] out = new double[tokens * nn];
        double[] dLogits = new double[tokens * stride];
        p.project(logits, offset, stride, tokens, out, 0);
        p.backward(logits, offset, stride, tokens, upstream, 0, dLogits, offset);
        for (int t = 0; t < tokens; t++) {
            double[] own = java.util.Arrays.copyOfRange(logits, t * stride + offset, (t + 1) * stride);
            double[] expected = flat(naive(unflat(own, n), 20));
            double[] single = new double[nn];
            new SinkhornProjection(n, 20).backward(own, 0, upstream, t * nn, single, 0);
            for (int e = 0; e < nn; e++) {
                assertEquals(expected[e], out[t * nn + e], 1e-9, "token " + t + " entry " + e);
                assertEquals(single[e], dLogits[t * stride + offset + e], 1e-12, "token " + t + " gradient " + e);
            }
            for (int e = 0; e < offset; e++) {
                assertEquals(0, dLogits[t * stride + e], "token " + t + ": outside its logits");
            }
        }
    }

    @Test
    void rejectsInvalidSizes() {
        assertThrows(IllegalArgumentException.class, () -> new SinkhornProjection(0, 20));
        assertThrows(IllegalArgumentException.class, () -> new SinkhornProjection(4, 0));
    }

    private static double maxColumnError(double[] m) {
        double worst = 0;
        for (int j = 0; j < 4; j++) {
            worst = Math.max(worst, Math.abs(m[j] + m[4 + j] + m[8 + j] + m[12 + j] - 1));
        }
        return worst;
    }

    private static double dot(double[][] m, double[] g) {
        double[] f = flat(m);
        double s = 0;
        for (int k = 0; k < f.length; k++) {
            s += f[k] * g[k];
        }
        return s;
    }

    private static double[][] unflat(double[] f, int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(f, i * n, m[i], 0, n);
        }
        return m;
    }
}

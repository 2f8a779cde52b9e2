package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The probes against a naive implementation that builds every composite product from scratch
 * (O(L^2) products per token instead of the probe's running prefix/suffix), on random matrices that are
 * signed (HC-like) or Sinkhorn-projected from logits up to +-30 (mHC-like).
 */
class StabilityProbeTest {
    private static final int N = 4;

    @Test
    void matchesNaiveOnSignedMatrices() {
        check(randomMixing(new Random(3), 6, 5, false));
    }

    @Test
    void matchesNaiveOnSinkhornMatricesFromExtremeLogits() {
        check(randomMixing(new Random(5), 8, 7, true));
    }

    @Test
    void identityMixingHasUnitGainsAndNoResidual() {
        double[] eye = new double[3 * N * N];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < N; i++) {
                eye[t * N * N + i * N + i] = 1;
            }
        }
        StabilityProbe.Report r = StabilityProbe.measure(List.of(eye, eye, eye), N, null);
        assertEquals(1, r.maxCompositeForwardGain(), 0);
        assertEquals(1, r.maxCompositeBackwardGain(), 0);
        assertEquals(1, r.minCompositeColumnSum(), 0);
        assertEquals(0, r.maxSinkhornResidual(), 0);
    }

    private static void check(List<double[]> mixing) {
        int layers = mixing.size();
        int tokens = mixing.get(0).length / (N * N);
        StabilityProbe.Report report = StabilityProbe.measure(mixing, N, null);
        for (int l = 0; l < layers; l++) {
            double[] sums = new double[8];
            double minCol = Double.POSITIVE_INFINITY;
            double maxLog = 0;
            double residual = 0;
            for (int t = 0; t < tokens; t++) {
                double[][] h = matrix(mixing.get(l), t);
                double[][] fwd = identity();
                for (int k = 0; k <= l; k++) {
                    fwd = mul(matrix(mixing.get(k), t), fwd);
                }
                double[][] bwd = identity();
                for (int k = layers - 1; k >= l; k--) {
                    bwd = mul(bwd, matrix(mixing.get(k), t));
                }
                double[] vals = {rowGain(h), colGain(h), rowGain(fwd), colGain(bwd)};
                for (int v = 0; v < 4; v++) {
                    sums[2 * v] += vals[v] / tokens;
                    sums[2 * v + 1] = Math.max(sums[2 * v + 1], vals[v]);
                }
                for (int j = 0; j < N; j++) {
                    double col = 0;
                    double hc = 0;
                    double hr = 0;
                    for (int i = 0; i < N; i++) {
                        col += fwd[i][j];
                        hc += h[i][j];
                        hr += h[j][i];
                    }
                    minCol = Math.min(minCol, col);
                    maxLog = Math.max(maxLog, Math.abs(Math.log(col)));
                    residual = Math.max(residual, Math.max(Math.abs(hc - 1), Math.abs(hr - 1)));
                }
            }
            StabilityProbe.Sublayer s = report.sublayers().get(l);
            double[] got = {s.singleForwardMean(), s.singleForwardMax(), s.singleBackwardMean(), s.singleBackwardMax(),
                    s.compositeForwardMean(), s.compositeForwardMax(), s.compositeBackwardMean(),
                    s.compositeBackwardMax()};
            for (int k = 0; k < 8; k++) {
                assertEquals(sums[k], got[k], 1e-9 * Math.max(1, Math.abs(sums[k])), "layer " + l + " metric " + k);
            }
            assertEquals(minCol, s.minColumnSum(), 1e-9, "layer " + l + " min column sum");
            if (Double.isFinite(maxLog)) {
                assertEquals(maxLog, s.maxAbsLogColumnSum(), 1e-9, "layer " + l + " max |log column sum|");
            }
            assertEquals(residual, s.sinkhornResidual(), 1e-9, "layer " + l + " Sinkhorn residual");
        }
    }

    private static List<double[]> randomMixing(Random r, int layers, int tokens, boolean sinkhorn) {
        List<double[]> out = new ArrayList<>();
        SinkhornProjection p = new SinkhornProjection(N, 20);
        for (int l = 0; l < layers; l++) {
            double[] m = new double[tokens * N * N];
            for (int t = 0; t < tokens; t++) {
                double[] logits = new double[N * N];
                for (int k = 0; k < logits.length; k++) {
                    logits[k] = sinkhorn ? (r.nextDouble() * 2 - 1) * 30 : r.nextGaussian() * 0.8 + (k % 5 == 0 ? 1 : 0);
                }
                if (sinkhorn) {
                    p.project(logits, 0, m, t * N * N);
                } else {
                    System.arraycopy(logits, 0, m, t * N * N, N * N);
                }
            }
            out.add(m);
        }
        return out;
    }

    private static double[][] matrix(double[] flat, int t) {
        double[][] m = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                m[i][j] = flat[t * N * N + i * N + j];
            }
        }
        return m;
    }

    private static double[][] identity() {
        double[][] m = new double[N][N];
        for (int i = 0; i < N; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                for (int k = 0; k < N; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double rowGain(double[][] m) {
        double best = 0;
        for (double[] row : m) {
            double s = 0;
            for (double v : row) {
                s += Math.abs(v);
            }
            best = Math.max(best, s);
        }
        return best;
    }

    private static double colGain(double[][] m) {
        double best = 0;
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (double[] row : m) {
                s += Math.abs(row[j]);
            }
            best = Math.max(best, s);
        }
        return best;
    }
}

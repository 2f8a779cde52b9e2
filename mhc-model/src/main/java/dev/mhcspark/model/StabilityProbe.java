package dev.mhcspark.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The stability metrics of MHC.md §4 for one forward pass, from the per-token {@code H_res} of sublayers
 * 1..L (attention and FFN each count). Per sublayer l and token:
 * <ul>
 *   <li>single-layer gain, forward = largest absolute row sum of H_l; backward = largest absolute column sum;</li>
 *   <li>composite forward gain = row measure of {@code P_l = H_l ... H_1}; composite backward gain = column
 *       measure of {@code Q_l = H_L ... H_l};</li>
 *   <li>minimum column sum and {@code max |log(column sum)|} of the composite {@code P_l} (truncation error
 *       of Sinkhorn shows on the column side; a lane being attenuated shows here, not in a max);</li>
 *   <li>Sinkhorn residual {@code max |row or column sum of H_l - 1|} (for HC: its distance from doubly
 *       stochastic).</li>
 * </ul>
 * Gains are reported as the mean over tokens (the paper's) and the max over tokens. Cost: O(L n^3) per token,
 * no allocation per token, so it can run every few steps.
 */
public final class StabilityProbe {
    private StabilityProbe() {
    }

    /** Metrics of one sublayer; {@code stateRms} is the RMS of the residual state after it (NaN if unrecorded). */
    public record Sublayer(int index, double singleForwardMean, double singleForwardMax, double singleBackwardMean,
                           double singleBackwardMax, double compositeForwardMean, double compositeForwardMax,
                           double compositeBackwardMean, double compositeBackwardMax, double minColumnSum,
                           double maxAbsLogColumnSum, double sinkhornResidual, double stateRms) {
    }

    /** The report of one forward pass. */
    public record Report(int tokens, int streams, List<Sublayer> sublayers) {
        public double maxCompositeForwardGain() {
            return sublayers.stream().mapToDouble(Sublayer::compositeForwardMax).max().orElse(Double.NaN);
        }

        public double maxCompositeBackwardGain() {
            return sublayers.stream().mapToDouble(Sublayer::compositeBackwardMax).max().orElse(Double.NaN);
        }

        public double minCompositeColumnSum() {
            return sublayers.stream().mapToDouble(Sublayer::minColumnSum).min().orElse(Double.NaN);
        }

        public double maxSinkhornResidual() {
            return sublayers.stream().mapToDouble(Sublayer::sinkhornResidual).max().orElse(Double.NaN);
        }
    }

    /**
     * @param residualMixing per sublayer, H_res of every token, [tokens * n * n] row-major
     * @param stateRms       per sublayer RMS of the residual state, or null
     */
    public static Report measure(List<double[]> residualMixing, int n, double[] stateRms) {
        int layers = residualMixing.size();
        int nn = n * n;
        int tokens = residualMixing.get(0).length / nn;
        // per layer: sum and max of single fwd, single bwd, composite fwd, composite bwd; min column sum,
        // max |log column sum|, Sinkhorn residual
        double[][] acc = new double[layers][];
        for (int l = 0; l < layers; l++) {
            acc[l] = new double[] {0, 0, 0, 0, 0, 0, 0, 0, Double.POSITIVE_INFINITY, 0, 0};
        }
        double[] prefix = new double[nn];
        double[] suffix = new double[nn];
        double[] tmp = new double[nn];
        for (int t = 0; t < tokens; t++) {
            // forward composite P_l = H_l P_{l-1}
            for (int l = 0; l < layers; l++) {
                double[] h = residualMixing.get(l);
                int o = t * nn;
                if (l == 0) {
                    System.arraycopy(h, o, prefix, 0, nn);
                } else {
                    multiply(h, o, prefix, 0, tmp, n);
                    System.arraycopy(tmp, 0, prefix, 0, nn);
                }
                double[] a = acc[l];
                double sf = maxAbsRowSum(h, o, n);
                double sb = maxAbsColumnSum(h, o, n);
                double cf = maxAbsRowSum(prefix, 0, n);
                a[0] += sf;
                a[1] = Math.max(a[1], sf);
                a[2] += sb;
                a[3] = Math.max(a[3], sb);
                a[4] += cf;
                a[5] = Math.max(a[5], cf);
                for (int j = 0; j < n; j++) {
                    double col = 0;
                    for (int i = 0; i < n; i++) {
                        col += prefix[i * n + j];
                    }
                    a[8] = Math.min(a[8], col);
                    a[9] = Math.max(a[9], Math.abs(Math.log(col)));
                }
                a[10] = Math.max(a[10], doublyStochasticResidual(h, o, n));
            }
            // backward composite Q_l = Q_{l+1} H_l
            for (int l = layers - 1; l >= 0; l--) {
                double[] h = residualMixing.get(l);
                if (l == layers - 1) {
                    System.arraycopy(h, t * nn, suffix, 0, nn);
                } else {
                    multiply(suffix, 0, h, t * nn, tmp, n);
                    System.arraycopy(tmp, 0, suffix, 0, nn);
                }
                double cb = maxAbsColumnSum(suffix, 0, n);
                acc[l][6] += cb;
                acc[l][7] = Math.max(acc[l][7], cb);
            }
        }
        List<Sublayer> out = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            double[] a = acc[l];
            out.add(new Sublayer(l, a[0] / tokens, a[1], a[2] / tokens, a[3], a[4] / tokens, a[5], a[6] / tokens,
                    a[7], a[8], a[9], a[10], stateRms == null ? Double.NaN : stateRms[l]));
        }
        return new Report(tokens, n, out);
    }

    /** The report of the last forward pass of {@code model}. */
    public static Report measure(Transformer model) {
        return measure(model.residualMixing(), model.config().streams(), model.stateRms());
    }

    /** c = a b for n x n row-major slices. */
    private static void multiply(double[] a, int ao, double[] b, int bo, double[] c, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[ao + i * n + k] * b[bo + k * n + j];
                }
                c[i * n + j] = s;
            }
        }
    }

    static double maxAbsRowSum(double[] m, int o, int n) {
        double best = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += Math.abs(m[o + i * n + j]);
            }
            best = Math.max(best, s);
        }
        return best;
    }

    static double maxAbsColumnSum(double[] m, int o, int n) {
        double best = 0;
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.abs(m[o + i * n + j]);
            }
            best = Math.max(best, s);
        }
        return best;
    }

    private static double doublyStochasticResidual(double[] m, int o, int n) {
        double worst = 0;
        for (int a = 0; a < n; a++) {
            double row = 0;
            double col = 0;
            for (int b = 0; b < n; b++) {
                row += m[o + a * n + b];
                col += m[o + b * n + a];
            }
            worst = Math.max(worst, Math.max(Math.abs(row - 1), Math.abs(col - 1)));
        }
        return worst;
    }
}

package dev.mhcspark.model;

import java.util.Map;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Manifold-constrained Hyper-Connections (mHC, arXiv 2512.24880), exactly MHC.md §3, in the fused form:
 * per token, with the flattened state {@code x = vec(X) [nC]}, {@code r = sqrt(mean(x^2) + eps)} and one GEMM
 * {@code A = x phi}, phi [nC, n^2 + 2n] (RMSNorm's gain folded into phi):
 * <pre>
 *   H~ = alpha_group * A / r + bias                      (groups: pre [n] | post [n] | res [n*n])
 *   H_pre = sigmoid(H~_pre),  H_post = 2 sigmoid(H~_post),  H_res = SinkhornKnopp(exp(H~_res))
 * </pre>
 * Init: phi = 0, alpha = gate_init (0.01), bias = 0 except {@code res_bias_diagonal * I} on H_res.
 */
final class ManifoldHyperConnection extends StreamMixingConnection {
    private final Map<String, INDArray> grads;  // gradient views, looked up when backward runs
    private final String prefix;
    private final double eps;
    private final INDArray phi;
    private final INDArray alpha;
    private final INDArray bias;
    private final SinkhornProjection sinkhorn;

    private INDArray state;
    private double[] values;   // the state as doubles, [N, n*C]
    private double[] rmsD;     // [N]
    private double[] raw;      // A = x phi, [N, K]
    private double[] logits;   // H~, [N, K]
    private double[] alphas;

    /** Coefficients per token: n (pre) + n (post) + n*n (res). */
    static int coefficients(int n) {
        return n * n + 2 * n;
    }

    ManifoldHyperConnection(String prefix, int n, int c, int sinkhornIterations, double eps,
                            Map<String, INDArray> p, Map<String, INDArray> g, ScratchBuffers scratch) {
        super(n, c, scratch, prefix);
        this.grads = g;
        this.prefix = prefix;
        this.eps = eps;
        this.phi = p.get(prefix + "phi");
        this.alpha = p.get(prefix + "alpha");
        this.bias = p.get(prefix + "bias");
        this.sinkhorn = new SinkhornProjection(n, sinkhornIterations);
    }

    @Override
    protected Mixing mix(INDArray state, double[] values) {
        this.state = state;
        this.values = values;
        int tokens = (int) state.size(0);
        int k = coefficients(n);
        int nc = n * c;
        rmsD = new double[tokens];
        IntStream.range(0, tokens).parallel().forEach(t -> {
            rmsD[t] = Math.sqrt(dot(values, t * nc, values, t * nc, nc) / nc + eps);
        });
        raw = Arrays2.toDoubles(state.mmul(phi));
        alphas = Arrays2.toDoubles(alpha);
        double[] b = Arrays2.toDoubles(bias);
        logits = new double[raw.length];
        double[] pre = new double[tokens * n];
        double[] post = new double[tokens * n];
        double[] res = new double[tokens * n * n];
        IntStream.range(0, tokens).parallel().forEach(t -> {
            int o = t * k;
            for (int q = 0; q < k; q++) {
                logits[o + q] = alphas[group(q)] * raw[o + q] / rmsD[t] + b[q];
            }
            for (int j = 0; j < n; j++) {
                pre[t * n + j] = sigmoid(logits[o + j]);
                post[t * n + j] = 2 * sigmoid(logits[o + n + j]);
            }
            sinkhorn.project(logits, o + 2 * n, res, t * n * n);
        });
        return new Mixing(pre, post, res);
    }

    @Override
    protected INDArray mixingBackward(double[] dPre, double[] dPost, double[] dRes, double[] dState) {
        int tokens = dPre.length / n;
        int k = coefficients(n);
        int nc = n * c;
        double[] dLogits = new double[logits.length];
        double[] dA = new double[logits.length];
        double[] dAlpha = new double[3];
        double[] dBias = new double[k];
        IntStream.range(0, tokens).parallel().forEach(t -> {
            int o = t * k;
            for (int j = 0; j < n; j++) {
                double sp = sigmoid(logits[o + j]);
                double so = sigmoid(logits[o + n + j]);
                dLogits[o + j] = dPre[t * n + j] * sp * (1 - sp);
                dLogits[o + n + j] = dPost[t * n + j] * 2 * so * (1 - so);
            }
            sinkhorn.backward(logits, o + 2 * n, dRes, t * n * n, dLogits, o + 2 * n);
            double r = rmsD[t];
            double dr = 0;
            for (int q = 0; q < k; q++) {
                double a = alphas[group(q)];
                dA[o + q] = dLogits[o + q] * a / r;
                dr -= dLogits[o + q] * a * raw[o + q] / (r * r);
            }
            double scale = dr / (nc * r);  // d r / d x = x / (nC r)
            for (int i = t * nc; i < (t + 1) * nc; i++) {
                dState[i] += scale * values[i];
            }
        });
        for (int t = 0; t < tokens; t++) {  // reductions over tokens: sequential, in a fixed order
            for (int q = 0; q < k; q++) {
                dBias[q] += dLogits[t * k + q];
                dAlpha[group(q)] += dLogits[t * k + q] * raw[t * k + q] / rmsD[t];
            }
        }
        var type = phi.dataType();
        grads.get(prefix + "alpha").addi(Arrays2.fromDoubles(dAlpha, type, 3));
        grads.get(prefix + "bias").addi(Arrays2.fromDoubles(dBias, type, k));
        INDArray dAArr = Arrays2.fromDoubles(dA, type, tokens, k);
        grads.get(prefix + "phi").addi(Arrays2.matmul(state, dAArr, true, false));
        return Arrays2.matmul(dAArr, phi, false, true);
    }

    private int group(int q) {
        return q < n ? 0 : q < 2 * n ? 1 : 2;
    }
}

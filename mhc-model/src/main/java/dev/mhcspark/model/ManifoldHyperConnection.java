package dev.mhcspark.model;

import static dev.mhcspark.model.RowMath.axpy;
import static dev.mhcspark.model.RowMath.dot;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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

    private double[] alphas;
    private double[] biases;
    private double[] raw;      // A = x phi, stored transposed: [K, N]
    private double[] rms;      // [N]
    private double[] logits;   // H~, [N, K]
    private double[] dLogits;  // [N, K]
    private double[] dA;       // [N, K]

    /** Coefficients per token: n (pre) + n (post) + n*n (res). */
    static int coefficients(int n) {
        return n * n + 2 * n;
    }

    ManifoldHyperConnection(String prefix, int n, int c, int sinkhornIterations, double eps,
                            Map<String, INDArray> p, Map<String, INDArray> g) {
        super(n, c);
        this.grads = g;
        this.prefix = prefix;
        this.eps = eps;
        this.phi = p.get(prefix + "phi");
        this.alpha = p.get(prefix + "alpha");
        this.bias = p.get(prefix + "bias");
        this.sinkhorn = new SinkhornProjection(n, sinkhornIterations);
    }

    @Override
    protected void beginMix(INDArray state) {
        int tokens = (int) state.size(0);
        // the GEMM writes A column-major ([N, K] in 'f' order, i.e. A^T row-major) 1.3x faster than row-major here
        INDArray a = Nd4j.createUninitialized(state.dataType(), new long[] {tokens, phi.size(1)}, 'f');
        Nd4j.gemm(state, phi, a, false, false, 1.0, 0.0);
        raw = Arrays2.toDoubles(a.transpose());
        alphas = Arrays2.toDoubles(alpha);
        biases = Arrays2.toDoubles(bias);
        rms = new double[tokens];
        logits = new double[raw.length];
    }

    @Override
    protected void mixToken(int t, double[][] x, double[] pre, double[] post, double[] res) {
        int k = coefficients(n);
        int o = t * k;
        double squares = 0;
        for (double[] stream : x) {
            squares += dot(stream, stream);
        }
        double r = Math.sqrt(squares / (n * c) + eps);
        rms[t] = r;
        int tokens = rms.length;
        for (int q = 0; q < k; q++) {
            logits[o + q] = alphas[group(q)] * raw[q * tokens + t] / r + biases[q];
        }
        for (int j = 0; j < n; j++) {
            pre[t * n + j] = sigmoid(logits[o + j]);
            post[t * n + j] = 2 * sigmoid(logits[o + n + j]);
        }
    }

    @Override
    protected void mixRange(int from, int to, double[] res) {
        int k = coefficients(n);
        sinkhorn.project(logits, from * k + 2 * n, k, to - from, res, from * n * n);
    }

    @Override
    protected void beginMixBackward() {
        dLogits = new double[logits.length];
        dA = new double[logits.length];
    }

    @Override
    protected void mixRangeBackward(int from, int to, double[] dRes) {
        int k = coefficients(n);
        sinkhorn.backward(logits, from * k + 2 * n, k, to - from, dRes, from * n * n, dLogits, from * k + 2 * n);
    }

    @Override
    protected void mixTokenBackward(int t, double[][] x, double[] dPre, double[] dPost, double[][] dx) {
        int k = coefficients(n);
        int nc = n * c;
        int o = t * k;
        for (int j = 0; j < n; j++) {  // sigmoid' = s (1 - s), from the forward pass's H_pre = s, H_post = 2 s
            double sp = pre[t * n + j];
            double so = post[t * n + j] / 2;
            dLogits[o + j] = dPre[t * n + j] * sp * (1 - sp);
            dLogits[o + n + j] = dPost[t * n + j] * 2 * so * (1 - so);
        }
        double r = rms[t];
        double dr = 0;
        int tokens = rms.length;
        for (int q = 0; q < k; q++) {
            double a = alphas[group(q)];
            dA[o + q] = dLogits[o + q] * a / r;
            dr -= dLogits[o + q] * a * raw[q * tokens + t] / (r * r);
        }
        for (int i = 0; i < n; i++) {
            axpy(dr / (nc * r), x[i], dx[i]);  // d r / d x = x / (nC r)
        }
    }

    @Override
    protected void endMixBackward(double[] dPre, double[] dPost, double[] dRes, INDArray dState) {
        int k = coefficients(n);
        int tokens = rms.length;
        double[] dAlpha = new double[3];
        double[] dBias = new double[k];
        for (int t = 0; t < tokens; t++) {  // reductions over tokens: sequential, in a fixed order
            for (int q = 0; q < k; q++) {
                dBias[q] += dLogits[t * k + q];
                dAlpha[group(q)] += dLogits[t * k + q] * raw[q * tokens + t] / rms[t];
            }
        }
        var type = phi.dataType();
        grads.get(prefix + "alpha").addi(Arrays2.fromDoubles(dAlpha, type, 3));
        grads.get(prefix + "bias").addi(Arrays2.fromDoubles(dBias, type, k));
        INDArray dAArr = Arrays2.fromDoubles(dA, type, tokens, k);
        grads.get(prefix + "phi").addi(Arrays2.matmul(state(), dAArr, true, false));
        Nd4j.gemm(dAArr, phi, dState, false, true, 1.0, 1.0);  // dX += dA phi^T
    }

    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    private int group(int q) {
        return q < n ? 0 : q < 2 * n ? 1 : 2;
    }
}

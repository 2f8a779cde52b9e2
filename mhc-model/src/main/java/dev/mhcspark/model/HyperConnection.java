package dev.mhcspark.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Dynamic Hyper-Connections (HC, arXiv 2409.19606), as in MHC.md §2. Per token, with
 * {@code Xn_j = RMSNorm(X_j)} (per stream, no gain) and {@code A = Xn theta}, theta [C, n+2]:
 * <pre>
 *   H_pre[j]    = staticPre[j]    + alpha_pre  * tanh(A[j, 0])
 *   H_post[j]   = staticPost[j]   + alpha_post * tanh(A[j, 1])
 *   H_res[i][j] = staticRes[i][j] + alpha_res  * tanh(A[j, 2 + i])
 * </pre>
 * Init (reproduces the pre-norm residual network): theta = 0, static H_res = I, static H_pre = one-hot on
 * stream k mod n for sublayer k, static H_post = 1. Nothing bounds H_res.
 */
final class HyperConnection extends StreamMixingConnection {
    private final Map<String, INDArray> grads;  // gradient views, looked up when backward runs
    private final String prefix;
    private final double eps;
    private final INDArray theta;
    private final INDArray alpha;
    private final INDArray staticPre;
    private final INDArray staticPost;
    private final INDArray staticRes;

    private RmsNorm norm;
    private double[] tanh;    // [N*n, n+2]
    private double[] alphas;  // pre, post, res
    private double[] sPre;    // static parts
    private double[] sPost;
    private double[] sRes;

    HyperConnection(String prefix, int n, int c, double eps, Map<String, INDArray> p, Map<String, INDArray> g) {
        super(n, c);
        this.grads = g;
        this.prefix = prefix;
        this.eps = eps;
        this.theta = p.get(prefix + "theta");
        this.alpha = p.get(prefix + "alpha");
        this.staticPre = p.get(prefix + "staticPre");
        this.staticPost = p.get(prefix + "staticPost");
        this.staticRes = p.get(prefix + "staticRes");
    }

    @Override
    protected void beginMix(INDArray state) {
        int tokens = (int) state.size(0);
        norm = new RmsNorm(eps);
        INDArray perStream = norm.forward(state.reshape((long) tokens * n, c));
        tanh = Arrays2.toDoubles(perStream.mmul(theta));
        for (int i = 0; i < tanh.length; i++) {
            tanh[i] = Math.tanh(tanh[i]);
        }
        alphas = Arrays2.toDoubles(alpha);
        sPre = Arrays2.toDoubles(staticPre);
        sPost = Arrays2.toDoubles(staticPost);
        sRes = Arrays2.toDoubles(staticRes);
    }

    @Override
    protected void mixToken(int t, double[][] x, double[] pre, double[] post, double[] res) {
        int k = n + 2;
        for (int j = 0; j < n; j++) {
            int a = (t * n + j) * k;
            pre[t * n + j] = sPre[j] + alphas[0] * tanh[a];
            post[t * n + j] = sPost[j] + alphas[1] * tanh[a + 1];
            for (int i = 0; i < n; i++) {
                res[(t * n + i) * n + j] = sRes[i * n + j] + alphas[2] * tanh[a + 2 + i];
            }
        }
    }

    /** Every path from X to the coefficients goes through the per-stream RMSNorm, so dL/dX is added here. */
    @Override
    protected void endMixBackward(double[] dPre, double[] dPost, double[] dRes, INDArray dState) {
        int tokens = dPre.length / n;
        int k = n + 2;
        double[] dA = new double[tanh.length];
        double[] dAlpha = new double[3];
        double[] dsPre = new double[n];
        double[] dsPost = new double[n];
        double[] dsRes = new double[n * n];
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < n; j++) {
                int a = (t * n + j) * k;
                double gPre = dPre[t * n + j];
                double gPost = dPost[t * n + j];
                dsPre[j] += gPre;
                dsPost[j] += gPost;
                dAlpha[0] += gPre * tanh[a];
                dAlpha[1] += gPost * tanh[a + 1];
                dA[a] = gPre * alphas[0] * (1 - tanh[a] * tanh[a]);
                dA[a + 1] = gPost * alphas[1] * (1 - tanh[a + 1] * tanh[a + 1]);
                for (int i = 0; i < n; i++) {
                    double gRes = dRes[(t * n + i) * n + j];
                    double th = tanh[a + 2 + i];
                    dsRes[i * n + j] += gRes;
                    dAlpha[2] += gRes * th;
                    dA[a + 2 + i] = gRes * alphas[2] * (1 - th * th);
                }
            }
        }
        var type = theta.dataType();
        grads.get(prefix + "alpha").addi(Arrays2.fromDoubles(dAlpha, type, 3));
        grads.get(prefix + "staticPre").addi(Arrays2.fromDoubles(dsPre, type, n));
        grads.get(prefix + "staticPost").addi(Arrays2.fromDoubles(dsPost, type, n));
        grads.get(prefix + "staticRes").addi(Arrays2.fromDoubles(dsRes, type, n, n));
        INDArray dAArr = Arrays2.fromDoubles(dA, type, (long) tokens * n, k);
        grads.get(prefix + "theta").addi(Arrays2.matmul(norm.normalised(), dAArr, true, false));
        dState.addi(norm.backward(Arrays2.matmul(dAArr, theta, false, true)).reshape(tokens, (long) n * c));
    }
}

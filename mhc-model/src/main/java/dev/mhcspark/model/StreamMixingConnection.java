package dev.mhcspark.model;

import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The update shared by HC and mHC: {@code h = H_pre X}, {@code X' = H_res X + H_post^T y}, with per-token
 * coefficients {@code H_pre [1,n]}, {@code H_post [1,n]}, {@code H_res [n,n]} that a subclass derives from X.
 * Shapes: X [N, n, C] (stored as [N, n*C]), y [N, C].
 */
abstract class StreamMixingConnection implements Connection {
    /** Per-token coefficients, row-major doubles: pre [N*n], post [N*n], res [N*n*n]. */
    record Mixing(double[] pre, double[] post, double[] res) {
    }

    protected final int n;
    protected final int c;

    // Per token the work is n x n by n x C: as plain loops over tokens (in parallel) it costs a tenth of
    // ND4J's batched matmul of N tiny matrices. Values are kept in double between forward and backward.
    private double[] state;   // [N, n, C]
    private double[] y;       // [N, C]
    private double[] pre;     // [N, n]
    private double[] post;    // [N, n]
    private double[] res;     // [N, n, n]
    private double[] dState;  // [N, n, C] gradient collected by backwardOut
    private double[] dPost;
    private double[] dRes;

    StreamMixingConnection(int n, int c) {
        this.n = n;
        this.c = c;
    }

    /**
     * Computes the coefficients for the state [N, n*C] (also given as row-major doubles) and keeps what
     * {@link #mixingBackward} needs.
     */
    protected abstract Mixing mix(INDArray state, double[] values);

    /**
     * Given dL/d of each coefficient, accumulates the gradients of the connection's parameters and returns
     * the part of dL/dX [N, n*C] that flows through the coefficients.
     */
    protected abstract INDArray mixingBackward(double[] dPre, double[] dPost, double[] dRes);

    @Override
    public INDArray in(INDArray stateArr) {
        int tokens = (int) stateArr.size(0);
        state = Arrays2.toDoubles(stateArr);
        Mixing m = mix(stateArr, state);
        pre = m.pre();
        post = m.post();
        res = m.res();
        double[] h = new double[tokens * c];
        IntStream.range(0, tokens).parallel().forEach(t -> {
            for (int i = 0; i < n; i++) {
                double w = pre[t * n + i];
                int xo = (t * n + i) * c;
                for (int k = 0; k < c; k++) {
                    h[t * c + k] += w * state[xo + k];
                }
            }
        });
        return Arrays2.fromDoubles(h, stateArr.dataType(), tokens, c);
    }

    @Override
    public INDArray out(INDArray yArr) {
        int tokens = (int) yArr.size(0);
        y = Arrays2.toDoubles(yArr);
        double[] next = new double[tokens * n * c];
        IntStream.range(0, tokens).parallel().forEach(t -> {
            for (int i = 0; i < n; i++) {
                int o = (t * n + i) * c;
                double w = post[t * n + i];
                for (int k = 0; k < c; k++) {
                    next[o + k] = w * y[t * c + k];
                }
                for (int j = 0; j < n; j++) {
                    double r = res[(t * n + i) * n + j];
                    int xo = (t * n + j) * c;
                    for (int k = 0; k < c; k++) {
                        next[o + k] += r * state[xo + k];
                    }
                }
            }
        });
        return Arrays2.fromDoubles(next, yArr.dataType(), tokens, (long) n * c);
    }

    @Override
    public INDArray backwardOut(INDArray dNextArr) {
        int tokens = (int) dNextArr.size(0);
        double[] d = Arrays2.toDoubles(dNextArr);
        double[] dy = new double[tokens * c];
        dState = new double[tokens * n * c];
        dPost = new double[tokens * n];
        dRes = new double[tokens * n * n];
        IntStream.range(0, tokens).parallel().forEach(t -> {
            for (int i = 0; i < n; i++) {
                int dOff = (t * n + i) * c;
                double w = post[t * n + i];
                double dp = 0;
                for (int k = 0; k < c; k++) {
                    dp += d[dOff + k] * y[t * c + k];
                    dy[t * c + k] += w * d[dOff + k];       // H_post dX'
                }
                dPost[t * n + i] = dp;
                for (int j = 0; j < n; j++) {
                    int xo = (t * n + j) * c;
                    double r = res[(t * n + i) * n + j];
                    double dr = 0;
                    for (int k = 0; k < c; k++) {
                        dr += d[dOff + k] * state[xo + k];
                        dState[xo + k] += r * d[dOff + k];  // H_res^T dX'
                    }
                    dRes[(t * n + i) * n + j] = dr;
                }
            }
        });
        return Arrays2.fromDoubles(dy, dNextArr.dataType(), tokens, c);
    }

    @Override
    public INDArray backwardIn(INDArray dhArr) {
        int tokens = (int) dhArr.size(0);
        double[] dh = Arrays2.toDoubles(dhArr);
        double[] dPre = new double[tokens * n];
        IntStream.range(0, tokens).parallel().forEach(t -> {
            for (int i = 0; i < n; i++) {
                int xo = (t * n + i) * c;
                double w = pre[t * n + i];
                double dp = 0;
                for (int k = 0; k < c; k++) {
                    dp += dh[t * c + k] * state[xo + k];
                    dState[xo + k] += w * dh[t * c + k];    // H_pre^T dh
                }
                dPre[t * n + i] = dp;
            }
        });
        INDArray through = mixingBackward(dPre, dPost, dRes);
        return Arrays2.fromDoubles(dState, dhArr.dataType(), tokens, (long) n * c).addi(through);
    }

    @Override
    public double[] residualMixing() {
        return res;
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}

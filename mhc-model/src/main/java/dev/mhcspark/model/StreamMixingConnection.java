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
    private final ScratchBuffers scratch;
    private final String name;

    // Per token the work is n x n by n x C: as plain loops over tokens (in parallel) it costs a tenth of
    // ND4J's batched matmul of N tiny matrices. Values are kept in double between forward and backward, in
    // arrays that the scratch buffers keep from pass to pass (the same shapes every step).
    private double[] state;   // [N, n, C]
    private double[] y;       // [N, C]
    private double[] pre;     // [N, n]
    private double[] post;    // [N, n]
    private double[] res;     // [N, n, n]
    private double[] dState;  // [N, n, C] gradient collected by backwardOut
    private double[] dPost;
    private double[] dRes;

    /** @param name unique among the connections sharing {@code scratch} */
    StreamMixingConnection(int n, int c, ScratchBuffers scratch, String name) {
        this.n = n;
        this.c = c;
        this.scratch = scratch;
        this.name = name;
    }

    /**
     * Computes the coefficients for the state [N, n*C] (also given as row-major doubles) and keeps what
     * {@link #mixingBackward} needs.
     */
    protected abstract Mixing mix(INDArray state, double[] values);

    /**
     * Given dL/d of each coefficient, accumulates the gradients of the connection's parameters and the part of
     * dL/dX [N, n*C] that flows through the coefficients: added into {@code dState} (row-major doubles) where a
     * Java loop is cheapest, the rest returned (or null).
     */
    protected abstract INDArray mixingBackward(double[] dPre, double[] dPost, double[] dRes, double[] dState);

    @Override
    public INDArray in(INDArray stateArr) {
        int tokens = (int) stateArr.size(0);
        state = Arrays2.toDoubles(stateArr, scratch.get(name + "state", tokens * n * c));
        Mixing m = mix(stateArr, state);
        pre = m.pre();
        post = m.post();
        res = m.res();
        double[] h = scratch.get(name + "h", tokens * c);
        IntStream.range(0, tokens).parallel().forEach(t -> {
            int ho = t * c;
            double w0 = pre[t * n];
            for (int k = 0; k < c; k++) {
                h[ho + k] = w0 * state[t * n * c + k];
            }
            for (int i = 1; i < n; i++) {
                double w = pre[t * n + i];
                int xo = (t * n + i) * c;
                axpy(w, state, xo, h, ho, c);
            }
        });
        return Arrays2.fromDoubles(h, stateArr.dataType(), tokens, c);
    }

    @Override
    public INDArray out(INDArray yArr) {
        int tokens = (int) yArr.size(0);
        y = Arrays2.toDoubles(yArr, scratch.get(name + "y", tokens * c));
        double[] next = scratch.get(name + "next", tokens * n * c);
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
        double[] d = Arrays2.toDoubles(dNextArr, scratch.get(name + "dNext", tokens * n * c));
        double[] dy = scratch.zeroed(name + "dy", tokens * c);
        double[] dState = this.dState = scratch.zeroed(name + "dState", tokens * n * c);
        double[] dPost = this.dPost = scratch.get(name + "dPost", tokens * n);
        double[] dRes = this.dRes = scratch.get(name + "dRes", tokens * n * n);
        IntStream.range(0, tokens).parallel().forEach(t -> {
            int yo = t * c;
            for (int i = 0; i < n; i++) {
                int dOff = (t * n + i) * c;
                double w = post[t * n + i];
                dPost[t * n + i] = dot(d, dOff, y, yo, c);
                axpy(w, d, dOff, dy, yo, c);                  // H_post dX'
                for (int j = 0; j < n; j++) {
                    int xo = (t * n + j) * c;
                    double r = res[(t * n + i) * n + j];
                    dRes[(t * n + i) * n + j] = dot(d, dOff, state, xo, c);
                    axpy(r, d, dOff, dState, xo, c);          // H_res^T dX'
                }
            }
        });
        return Arrays2.fromDoubles(dy, dNextArr.dataType(), tokens, c);
    }

    @Override
    public INDArray backwardIn(INDArray dhArr) {
        int tokens = (int) dhArr.size(0);
        double[] dh = Arrays2.toDoubles(dhArr, scratch.get(name + "dh", tokens * c));
        double[] dState = this.dState;
        double[] dPre = new double[tokens * n];
        IntStream.range(0, tokens).parallel().forEach(t -> {
            int ho = t * c;
            for (int i = 0; i < n; i++) {
                int xo = (t * n + i) * c;
                double w = pre[t * n + i];
                dPre[t * n + i] = dot(dh, ho, state, xo, c);
                axpy(w, dh, ho, dState, xo, c);               // H_pre^T dh
            }
        });
        INDArray through = mixingBackward(dPre, dPost, dRes, dState);
        INDArray dX = Arrays2.fromDoubles(dState, dhArr.dataType(), tokens, (long) n * c);
        return through == null ? dX : dX.addi(through);
    }

    @Override
    public double[] residualMixing() {
        return res;
    }

    /**
     * {@code sum a[ao + k] b[bo + k]} over {@code k < length}, in four interleaved partial sums: the JIT does not
     * vectorise a floating-point reduction (it may not reorder the additions), so one accumulator would chain
     * every add behind the previous one.
     */
    static double dot(double[] a, int ao, double[] b, int bo, int length) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < length; k += 4) {
            s0 += a[ao + k] * b[bo + k];
            s1 += a[ao + k + 1] * b[bo + k + 1];
            s2 += a[ao + k + 2] * b[bo + k + 2];
            s3 += a[ao + k + 3] * b[bo + k + 3];
        }
        for (; k < length; k++) {
            s0 += a[ao + k] * b[bo + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code y[yo + k] += a x[xo + k]} for {@code k < length} (a loop the JIT vectorises). */
    static void axpy(double a, double[] x, int xo, double[] y, int yo, int length) {
        for (int k = 0; k < length; k++) {
            y[yo + k] += a * x[xo + k];
        }
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}

package dev.mhcspark.model;

import org.nd4j.linalg.api.buffer.DataType;
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

    private INDArray state3;  // [N, n, C]
    private INDArray pre;     // [N, 1, n]
    private INDArray post;    // [N, n, 1]
    private INDArray res;     // [N, n, n]
    private INDArray y3;      // [N, 1, C]
    private INDArray dState3; // [N, n, C] gradient collected by backwardOut
    private double[] dPost;
    private double[] dRes;
    private double[] lastRes;

    StreamMixingConnection(int n, int c) {
        this.n = n;
        this.c = c;
    }

    /** Computes the coefficients for the state [N, n*C] and keeps what {@link #mixingBackward} needs. */
    protected abstract Mixing mix(INDArray state);

    /**
     * Given dL/d of each coefficient, accumulates the gradients of the connection's parameters and returns
     * the part of dL/dX [N, n*C] that flows through the coefficients.
     */
    protected abstract INDArray mixingBackward(double[] dPre, double[] dPost, double[] dRes);

    @Override
    public INDArray in(INDArray state) {
        long tokens = state.size(0);
        DataType type = state.dataType();
        Mixing m = mix(state);
        lastRes = m.res();
        state3 = state.reshape(tokens, n, c);
        pre = Arrays2.fromDoubles(m.pre(), type, tokens, 1, n);
        post = Arrays2.fromDoubles(m.post(), type, tokens, n, 1);
        res = Arrays2.fromDoubles(m.res(), type, tokens, n, n);
        return Arrays2.bmm(pre, state3, false, false).reshape(tokens, c);
    }

    @Override
    public INDArray out(INDArray y) {
        long tokens = y.size(0);
        y3 = y.reshape(tokens, 1, c);
        INDArray next = Arrays2.bmm(res, state3, false, false).addi(Arrays2.bmm(post, y3, false, false));
        return next.reshape(tokens, (long) n * c);
    }

    @Override
    public INDArray backwardOut(INDArray dNext) {
        long tokens = dNext.size(0);
        INDArray d3 = dNext.reshape(tokens, n, c);
        dPost = Arrays2.toDoubles(Arrays2.bmm(d3, y3, false, true));      // [N, n, 1]
        dRes = Arrays2.toDoubles(Arrays2.bmm(d3, state3, false, true));   // [N, n, n]
        dState3 = Arrays2.bmm(res, d3, true, false);                      // H_res^T dX'
        return Arrays2.bmm(post, d3, true, false).reshape(tokens, c);     // H_post dX'
    }

    @Override
    public INDArray backwardIn(INDArray dh) {
        long tokens = dh.size(0);
        INDArray dh3 = dh.reshape(tokens, 1, c);
        double[] dPre = Arrays2.toDoubles(Arrays2.bmm(dh3, state3, false, true));  // [N, 1, n]
        dState3.addi(Arrays2.bmm(pre, dh3, true, false));                          // H_pre^T dh
        INDArray dState = dState3.reshape(tokens, (long) n * c);
        return dState.addi(mixingBackward(dPre, dPost, dRes));
    }

    @Override
    public double[] residualMixing() {
        return lastRes;
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}

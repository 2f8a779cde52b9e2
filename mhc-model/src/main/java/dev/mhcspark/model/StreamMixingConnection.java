package dev.mhcspark.model;

import static dev.mhcspark.model.RowMath.axpy;
import static dev.mhcspark.model.RowMath.combine;
import static dev.mhcspark.model.RowMath.dots;
import static dev.mhcspark.model.RowMath.scale;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The update shared by HC and mHC: {@code h = H_pre X}, {@code X' = H_res X + H_post^T y}, with per-token
 * coefficients {@code H_pre [1,n]}, {@code H_post [1,n]}, {@code H_res [n,n]} that a subclass derives from X.
 * Shapes: X [N, n, C] (stored as [N, n*C]), y [N, C].
 */
abstract class StreamMixingConnection implements Connection {
    protected final int n;
    protected final int c;

    // Per token the work is n x n by n x C. It runs as plain loops over tokens, in parallel, one token's row at a
    // time (Rows): a tenth of the cost of ND4J's batched matmul of N tiny matrices, and each [N, n*C] array is
    // crossed once per call instead of once per step of the formula. The arithmetic is in double.
    private Rows stateRows;   // [N, n*C] input of the pass, read again in backward
    private Rows yRows;       // [N, C] output of the sublayer
    protected double[] pre;   // [N, n], read by a subclass's backward
    protected double[] post;  // [N, n]
    private double[] res;     // [N, n, n]
    private double[] dPost;
    private double[] dRes;
    private Rows dStateRows;  // [N, n*C] dL/dX, started by backwardOut, finished by backwardIn

    StreamMixingConnection(int n, int c) {
        this.n = n;
        this.c = c;
    }

    /** Batched work the per-token coefficients need, before {@link #mixToken} runs for every token. */
    protected abstract void beginMix(INDArray state);

    /**
     * Writes token {@code t}'s coefficients {@code pre[t*n ..]}, {@code post[t*n ..]} and, here or in
     * {@link #mixRange}, {@code res[t*n*n ..]}, given its state {@code x [n][C]}. Called for all tokens in
     * parallel.
     */
    protected abstract void mixToken(int t, double[][] x, double[] pre, double[] post, double[] res);

    /** The state [N, n*C] of this pass, dense. */
    protected INDArray state() {
        return stateRows.array();
    }

    /** After {@link #mixToken} ran for tokens {@code [from, to)}: work better done for a range at once. */
    protected void mixRange(int from, int to, double[] res) {
    }

    /** Once per backward pass, before any per-range or per-token backward work. */
    protected void beginMixBackward() {
    }

    /** Before {@link #mixTokenBackward} runs for tokens {@code [from, to)}: work better done for a range at once. */
    protected void mixRangeBackward(int from, int to, double[] dRes) {
    }

    /**
     * Given dL/d of token {@code t}'s pre and post coefficients (dL/dH_res went to {@link #mixRangeBackward}),
     * keeps what the parameter gradients need and adds into {@code dx [n][C]} the part of dL/dx that a per-token
     * loop computes best. Called for all tokens in parallel.
     */
    protected void mixTokenBackward(int t, double[][] x, double[] dPre, double[] dPost, double[][] dx) {
    }

    /** Accumulates the parameter gradients and adds the rest of dL/dX into {@code dState [N, n*C]}. */
    protected abstract void endMixBackward(double[] dPre, double[] dPost, double[] dRes, INDArray dState);

    // The kernels below keep a token's streams as separate arrays [n][C] (see RowMath).

    @Override
    public INDArray in(INDArray stateArr) {
        int tokens = (int) stateArr.size(0);
        stateRows = Rows.read(stateArr);
        INDArray state = state();
        beginMix(state);
        double[] pre = this.pre = new double[tokens * n];
        double[] post = this.post = new double[tokens * n];
        double[] res = this.res = new double[tokens * n * n];
        Rows h = Rows.create(state.dataType(), tokens, c);
        Rows.parallel(tokens, (from, to) -> {
            double[][] x = new double[n][c];
            double[] hr = new double[c];
            for (int t = from; t < to; t++) {
                stateRows.get(t, x);
                mixToken(t, x, pre, post, res);
                combine(pre, t * n, 1, x, hr);
                h.put(t, hr);
            }
            mixRange(from, to, res);
        });
        return h.array();
    }

    @Override
    public INDArray out(INDArray yArr) {
        int tokens = (int) yArr.size(0);
        yRows = Rows.read(yArr);
        Rows next = Rows.create(yRows.array().dataType(), tokens, n * c);
        Rows.parallel(tokens, (from, to) -> {
            double[][] x = new double[n][c];
            double[] y = new double[c];
            double[][] nx = new double[n][c];
            for (int t = from; t < to; t++) {
                stateRows.get(t, x);
                yRows.get(t, y);
                for (int i = 0; i < n; i++) {
                    scale(post[t * n + i], y, nx[i]);
                    for (int j = 0; j < n; j++) {
                        axpy(res[(t * n + i) * n + j], x[j], nx[i]);
                    }
                }
                next.put(t, nx);
            }
        });
        return next.array();
    }

    @Override
    public INDArray backwardOut(INDArray dNextArr) {
        int tokens = (int) dNextArr.size(0);
        Rows dNext = Rows.read(dNextArr);
        Rows dy = Rows.create(dNext.array().dataType(), tokens, c);
        Rows dState = dStateRows = Rows.create(dNext.array().dataType(), tokens, n * c);
        double[] dPost = this.dPost = new double[tokens * n];
        double[] dRes = this.dRes = new double[tokens * n * n];
        Rows.parallel(tokens, (from, to) -> {
            double[][] d = new double[n][c];
            double[][] x = new double[n][c];
            double[] y = new double[c];
            double[] dyr = new double[c];
            double[][] dx = new double[n][c];
            for (int t = from; t < to; t++) {
                dNext.get(t, d);
                stateRows.get(t, x);
                yRows.get(t, y);
                dots(y, d, dPost, t * n);
                for (int i = 0; i < n; i++) {
                    dots(d[i], x, dRes, (t * n + i) * n);
                }
                combine(post, t * n, 1, d, dyr);  // dy = H_post dX'
                for (int j = 0; j < n; j++) {  // dX = H_res^T dX': column j of H_res weighs the streams
                    combine(res, t * n * n + j, n, d, dx[j]);
                }
                dy.put(t, dyr);
                dState.put(t, dx);
            }
        });
        return dy.array();
    }

    @Override
    public INDArray backwardIn(INDArray dhArr) {
        int tokens = (int) dhArr.size(0);
        Rows dhRows = Rows.read(dhArr);
        Rows dState = dStateRows;
        double[] dPre = new double[tokens * n];
        beginMixBackward();
        Rows.parallel(tokens, (from, to) -> {
            double[] dh = new double[c];
            double[][] x = new double[n][c];
            double[][] dx = new double[n][c];
            mixRangeBackward(from, to, dRes);
            for (int t = from; t < to; t++) {
                dhRows.get(t, dh);
                stateRows.get(t, x);
                dState.get(t, dx);
                dots(dh, x, dPre, t * n);
                for (int i = 0; i < n; i++) {
                    axpy(pre[t * n + i], dh, dx[i]);  // H_pre^T dh
                }
                mixTokenBackward(t, x, dPre, dPost, dx);
                dState.put(t, dx);
            }
        });
        endMixBackward(dPre, dPost, dRes, dState.array());
        return dState.array();
    }

    @Override
    public double[] residualMixing() {
        return res;
    }
}

package dev.mhcspark.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One row at a time of a dense row-major [rows, width] array, read into and written from double arrays, straight
 * from and to the native buffer. The connections' per-token kernels work this way: a token's row (n*C values,
 * a few KB) is converted while it sits in L1, instead of converting whole [N, n*C] arrays in separate passes over
 * memory. Rows may be read and written from several threads at once, each its own rows.
 */
final class Rows {
    /** Tokens per parallel task: enough work to amortise scheduling, enough tasks to balance the cores. */
    private static final int TOKENS_PER_TASK = 64;
    private static final ThreadLocal<float[]> STAGING = ThreadLocal.withInitial(() -> new float[0]);

    private final INDArray array;
    private final int width;
    private final FloatBuffer floats;    // exactly one of floats / doubles is set
    private final DoubleBuffer doubles;

    private Rows(INDArray array) {
        if (array.rank() != 2) {
            throw new IllegalArgumentException("expected a 2-D array, got shape " + array.shapeInfoToString());
        }
        this.array = array;
        this.width = (int) array.size(1);
        if (array.dataType() == DataType.FLOAT) {
            this.floats = array.data().asNioFloat();
            this.doubles = null;
        } else if (array.dataType() == DataType.DOUBLE) {
            this.floats = null;
            this.doubles = array.data().asNioDouble();
        } else {
            throw new IllegalArgumentException("rows of FLOAT or DOUBLE arrays only, got " + array.dataType());
        }
    }

    /** Rows of {@code a}, on a dense copy if {@code a} is a view (reading only: writes to a copy would be lost). */
    static Rows read(INDArray a) {
        return new Rows(Arrays2.dense(a));
    }

    /** A new uninitialised [rows, width] array (in the current workspace, if any), to be filled row by row. */
    static Rows create(DataType type, int rows, int width) {
        return new Rows(Nd4j.createUninitialized(type, new long[] {rows, width}, 'c'));
    }

    INDArray array() {
        return array;
    }

    /** Copies row {@code r} into {@code dst[0 .. width)}. */
    void get(int r, double[] dst) {
        get(r * width, dst, width);
    }

    /** Copies row {@code r} into {@code parts}, split into equal consecutive parts (a token's streams). */
    void get(int r, double[][] parts) {
        int part = width / parts.length;
        for (int i = 0; i < parts.length; i++) {
            get(r * width + i * part, parts[i], part);
        }
    }

    /** Overwrites row {@code r} with {@code parts}, equal consecutive parts of it. */
    void put(int r, double[][] parts) {
        int part = width / parts.length;
        for (int i = 0; i < parts.length; i++) {
            put(r * width + i * part, parts[i], part);
        }
    }

    /** Overwrites row {@code r} with {@code src[0 .. width)}. */
    void put(int r, double[] src) {
        put(r * width, src, width);
    }

    private void get(int from, double[] dst, int length) {
        if (doubles != null) {
            doubles.get(from, dst, 0, length);
            return;
        }
        float[] f = staging(length);
        floats.get(from, f, 0, length);
        if (RowMath.vectorised(length)) {
            VectorKernels.toDoubles(f, dst, length);
        } else {
            for (int k = 0; k < length; k++) {
                dst[k] = f[k];
            }
        }
    }

    private void put(int from, double[] src, int length) {
        if (doubles != null) {
            doubles.put(from, src, 0, length);
            return;
        }
        float[] f = staging(length);
        if (RowMath.vectorised(length)) {
            VectorKernels.toFloats(src, f, length);
        } else {
            for (int k = 0; k < length; k++) {
                f[k] = (float) src[k];
            }
        }
        floats.put(from, f, 0, length);
    }

    private static float[] staging(int width) {
        float[] f = STAGING.get();
        if (f.length < width) {
            f = new float[width];
            STAGING.set(f);
        }
        return f;
    }

    /** Work on a contiguous range of tokens {@code [from, to)}. */
    interface TokenRange {
        void run(int from, int to);
    }

    /** Runs {@code body} over {@code [0, tokens)} in ranges, in parallel; each range's work is independent. */
    static void parallel(int tokens, TokenRange body) {
        IntStream.range(0, tasks(tokens)).parallel().forEach(i ->
                body.run(i * TOKENS_PER_TASK, Math.min(tokens, (i + 1) * TOKENS_PER_TASK)));
    }

    private static int tasks(int tokens) {
        return (tokens + TOKENS_PER_TASK - 1) / TOKENS_PER_TASK;
    }

    /** Work on a range of tokens that also adds into a sum over all tokens, {@code sum [width]}. */
    interface SummingRange {
        void run(int from, int to, double[] sum);
    }

    /**
     * {@link #parallel}, where each range also adds into its own partial sum; returns the total. The partial
     * sums are added in range order, so the result does not depend on the scheduling.
     */
    static double[] parallelSum(int tokens, int width, SummingRange body) {
        double[][] partial = new double[tasks(tokens)][width];
        parallel(tokens, (from, to) -> body.run(from, to, partial[from / TOKENS_PER_TASK]));
        double[] total = new double[width];
        for (double[] p : partial) {
            for (int k = 0; k < width; k++) {
                total[k] += p[k];
            }
        }
        return total;
    }
}

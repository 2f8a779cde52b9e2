package dev.mhcspark.model;

/**
 * Loops over one token's rows, written the way the JIT (17) compiles them well. Every loop indexes its arrays
 * from 0, which is why the kernels keep a token's streams as separate arrays [n][C]: the JIT vectorises
 * {@code y[k] += a x[k]} but not {@code y[yo + k] += a x[xo + k]}, as x and y might be one array. Dot products,
 * which it leaves scalar, go to {@link VectorKernels} where the JVM allows.
 */
final class RowMath {
    /**
     * Rows shorter than this keep the plain loops: the vector code's set-up and tail cost more than it saves, and
     * until C2 compiles it (tiny test models may never get there) it runs far slower than a plain loop.
     */
    private static final int VECTOR_MIN_LENGTH = 64;

    private RowMath() {
    }

    /** Whether rows of this length go to {@link VectorKernels}. */
    static boolean vectorised(int length) {
        return VectorApi.available() && length >= VECTOR_MIN_LENGTH;
    }

    /** {@code sum a[k] b[k]}. */
    static double dot(double[] a, double[] b) {
        return vectorised(a.length) ? VectorKernels.dot(a, b) : plainDot(a, b);
    }

    /**
     * {@link #dot} in four interleaved partial sums: the JIT does not vectorise a floating-point reduction (it
     * may not reorder the additions), so one accumulator would chain every add behind the last.
     */
    static double plainDot(double[] a, double[] b) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < a.length; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < a.length; k++) {
            s0 += a[k] * b[k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code out[oo + j] = a . b[j]} for every j. */
    static void dots(double[] a, double[][] b, double[] out, int oo) {
        if (vectorised(a.length)) {
            int j = 0;
            for (; j + 3 < b.length; j += 4) {
                VectorKernels.dots4(a, b[j], b[j + 1], b[j + 2], b[j + 3], out, oo + j);
            }
            for (; j < b.length; j++) {
                out[oo + j] = VectorKernels.dot(a, b[j]);
            }
        } else {
            plainDots(a, b, out, oo);
        }
    }

    /**
     * {@link #dots} in plain loops. Four dots at a time share each load of {@code a}, which halves the loads of
     * separate dots (scalar dots are bound by loads).
     */
    static void plainDots(double[] a, double[][] b, double[] out, int oo) {
        int j = 0;
        for (; j + 3 < b.length; j += 4) {
            double[] b0 = b[j];
            double[] b1 = b[j + 1];
            double[] b2 = b[j + 2];
            double[] b3 = b[j + 3];
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double t0 = 0;
            double t1 = 0;
            double t2 = 0;
            double t3 = 0;
            int k = 0;
            for (; k + 1 < a.length; k += 2) {
                double u = a[k];
                double v = a[k + 1];
                s0 += u * b0[k];
                s1 += u * b1[k];
                s2 += u * b2[k];
                s3 += u * b3[k];
                t0 += v * b0[k + 1];
                t1 += v * b1[k + 1];
                t2 += v * b2[k + 1];
                t3 += v * b3[k + 1];
            }
            for (; k < a.length; k++) {
                s0 += a[k] * b0[k];
                s1 += a[k] * b1[k];
                s2 += a[k] * b2[k];
                s3 += a[k] * b3[k];
            }
            out[oo + j] = s0 + t0;
            out[oo + j + 1] = s1 + t1;
            out[oo + j + 2] = s2 + t2;
            out[oo + j + 3] = s3 + t3;
        }
        for (; j < b.length; j++) {
            out[oo + j] = plainDot(a, b[j]);
        }
    }

    /**
     * {@code y = sum_i w[wo + i * stride] x[i]}: a weighted sum of a token's streams (the weights of stream i
     * strided as they sit in a per-token coefficient array).
     */
    static void combine(double[] w, int wo, int stride, double[][] x, double[] y) {
        scale(w[wo], x[0], y);
        for (int i = 1; i < x.length; i++) {
            axpy(w[wo + i * stride], x[i], y);
        }
    }

    /** {@code y[k] += a x[k]}. */
    static void axpy(double a, double[] x, double[] y) {
        for (int k = 0; k < y.length; k++) {
            y[k] += a * x[k];
        }
    }

    /** {@code y[k] = a x[k]}. */
    static void scale(double a, double[] x, double[] y) {
        for (int k = 0; k < y.length; k++) {
            y[k] = a * x[k];
        }
    }
}

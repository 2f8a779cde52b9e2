package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels and the plain loops they replace, each against a naive loop in the test; and that the
 * test JVM (like bin/mhc's) really runs the vector ones, so the model tests exercise them on long rows.
 */
class VectorKernelsTest {
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 256, 1023};
    private final SplittableRandom random = new SplittableRandom(11);

    @Test
    void theTestJvmRunsTheVectorKernelsOnLongRowsOnly() {
        assertTrue(RowMath.vectorised(64), "surefire's argLine should add jdk.incubator.vector, as bin/mhc does");
        assertTrue(RowMath.vectorised(1024));
        assertFalse(RowMath.vectorised(63));
    }

    @Test
    void conversionsGiveTheSameBitsAsTheCasts() {
        float[] specials = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
                Float.NaN, 1e-40f, -3.5f};
        double[] doubleSpecials = {1e300, -1e-300, Double.MIN_VALUE, 3.4028235677973366e38,  // rounds to infinity
                1.0000000596046448, 1.0000001788139343, Double.NaN, -0.0, 16777217.0};  // ties to even
        for (int length : LENGTHS) {
            float[] f = new float[length];
            double[] d = new double[length];
            for (int k = 0; k < length; k++) {
                f[k] = k < specials.length ? specials[k]
                        : (float) (random.nextGaussian() * Math.exp(random.nextInt(-40, 40)));
                d[k] = k < doubleSpecials.length ? doubleSpecials[k]
                        : random.nextGaussian() * Math.exp(random.nextInt(-90, 90));
            }
            double[] widened = new double[length];
            VectorKernels.toDoubles(f, widened, length);
            float[] narrowed = new float[length];
            VectorKernels.toFloats(d, narrowed, length);
            for (int k = 0; k < length; k++) {
                assertEquals(Double.doubleToRawLongBits(f[k]), Double.doubleToRawLongBits(widened[k]),
                        "float->double, length " + length + ", k " + k);
                assertEquals(Float.floatToRawIntBits((float) d[k]), Float.floatToRawIntBits(narrowed[k]),
                        "double->float of " + d[k] + ", length " + length + ", k " + k);
            }
        }
    }

    @Test
    void dotProductsMatchANaiveSum() {
        for (int length : LENGTHS) {
            double[] a = gaussian(length);
            double[][] b = {gaussian(length), gaussian(length), gaussian(length), gaussian(length), gaussian(length)};
            double[] vector4 = new double[6];
            VectorKernels.dots4(a, b[0], b[1], b[2], b[3], vector4, 2);
            double[] viaRowMath = new double[5];
            RowMath.dots(a, b, viaRowMath, 0);
            double[] plain = new double[5];
            RowMath.plainDots(a, b, plain, 0);
            for (int j = 0; j < b.length; j++) {
                double naive = 0;
                double scale = 0;
                for (int k = 0; k < length; k++) {
                    naive += a[k] * b[j][k];
                    scale += Math.abs(a[k] * b[j][k]);
                }
                double tolerance = 1e-14 * scale;
                String where = "length " + length + ", j " + j;
                assertEquals(naive, VectorKernels.dot(a, b[j]), tolerance, "vector dot, " + where);
                assertEquals(naive, RowMath.plainDot(a, b[j]), tolerance, "plain dot, " + where);
                assertEquals(naive, RowMath.dot(a, b[j]), tolerance, "dot, " + where);
                assertEquals(naive, viaRowMath[j], tolerance, "dots, " + where);
                assertEquals(naive, plain[j], tolerance, "plain dots, " + where);
                if (j < 4) {
                    assertEquals(naive, vector4[2 + j], tolerance, "vector dots4, " + where);
                }
            }
        }
    }

    private double[] gaussian(int length) {
        double[] x = new double[length];
        for (int k = 0; k < length; k++) {
            x[k] = random.nextGaussian();
        }
        return x;
    }
}

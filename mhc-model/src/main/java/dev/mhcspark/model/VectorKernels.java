package dev.mhcspark.model;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-token loops that Java 17's JIT leaves scalar, written with the incubating Vector API: float/double
 * conversion of a row (C2 vectorises mixed-size conversions only from Java 20) and dot products (a reduction it
 * may not reorder). 3-5x faster here than the plain loops in {@link Rows} and {@link RowMath}.
 *
 * <p>Only loaded when the JVM has the module ({@link VectorApi}, {@link RowMath#vectorised}); callers keep their
 * plain loops for JVMs without it. Conversions give the same bits either way; dot products differ in the last
 * bits (another summation order).
 */
final class VectorKernels {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** As many floats as {@link #DOUBLES} has doubles: one converts into the other lane for lane. */
    private static final VectorSpecies<Float> FLOATS =
            FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));
    private static final int LANES = DOUBLES.length();

    private VectorKernels() {
    }

    /** {@code dst[k] = src[k]} for k < length. */
    static void toDoubles(float[] src, double[] dst, int length) {
        int k = 0;
        for (; k <= length - LANES; k += LANES) {
            ((DoubleVector) FloatVector.fromArray(FLOATS, src, k).convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .intoArray(dst, k);
        }
        for (; k < length; k++) {
            dst[k] = src[k];
        }
    }

    /** {@code dst[k] = (float) src[k]} for k < length (round to nearest, as the cast). */
    static void toFloats(double[] src, float[] dst, int length) {
        int k = 0;
        for (; k <= length - LANES; k += LANES) {
            ((FloatVector) DoubleVector.fromArray(DOUBLES, src, k).convertShape(VectorOperators.D2F, FLOATS, 0))
                    .intoArray(dst, k);
        }
        for (; k < length; k++) {
            dst[k] = (float) src[k];
        }
    }

    /** {@code sum a[k] b[k]}. */
    static double dot(double[] a, double[] b) {
        DoubleVector s0 = DoubleVector.zero(DOUBLES);
        DoubleVector s1 = DoubleVector.zero(DOUBLES);
        int k = 0;
        for (; k <= a.length - 2 * LANES; k += 2 * LANES) {  // two chains: an FMA waits on the one before
            s0 = DoubleVector.fromArray(DOUBLES, a, k).fma(DoubleVector.fromArray(DOUBLES, b, k), s0);
            s1 = DoubleVector.fromArray(DOUBLES, a, k + LANES).fma(DoubleVector.fromArray(DOUBLES, b, k + LANES), s1);
        }
        double sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; k < a.length; k++) {
            sum += a[k] * b[k];
        }
        return sum;
    }

    /** {@code out[oo + j] = a . b_j} for j < 4, sharing each load of {@code a}. */
    static void dots4(double[] a, double[] b0, double[] b1, double[] b2, double[] b3, double[] out, int oo) {
        DoubleVector s0 = DoubleVector.zero(DOUBLES);
        DoubleVector s1 = DoubleVector.zero(DOUBLES);
        DoubleVector s2 = DoubleVector.zero(DOUBLES);
        DoubleVector s3 = DoubleVector.zero(DOUBLES);
        int k = 0;
        for (; k <= a.length - LANES; k += LANES) {
            DoubleVector va = DoubleVector.fromArray(DOUBLES, a, k);
            s0 = va.fma(DoubleVector.fromArray(DOUBLES, b0, k), s0);
            s1 = va.fma(DoubleVector.fromArray(DOUBLES, b1, k), s1);
            s2 = va.fma(DoubleVector.fromArray(DOUBLES, b2, k), s2);
            s3 = va.fma(DoubleVector.fromArray(DOUBLES, b3, k), s3);
        }
        double r0 = s0.reduceLanes(VectorOperators.ADD);
        double r1 = s1.reduceLanes(VectorOperators.ADD);
        double r2 = s2.reduceLanes(VectorOperators.ADD);
        double r3 = s3.reduceLanes(VectorOperators.ADD);
        for (; k < a.length; k++) {
            r0 += a[k] * b0[k];
            r1 += a[k] * b1[k];
            r2 += a[k] * b2[k];
            r3 += a[k] * b3[k];
        }
        out[oo] = r0;
        out[oo + 1] = r1;
        out[oo + 2] = r2;
        out[oo + 3] = r3;
    }
}

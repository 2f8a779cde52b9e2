package dev.mhcspark.model;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Small INDArray helpers shared by the layers: bulk copies to/from Java arrays and batched matmul. */
final class Arrays2 {
    private Arrays2() {
    }

    /** Per-thread staging buffer for float <-> double conversions (one bulk JNI copy, then a plain loop). */
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);

    /** The values of {@code a} in row-major order, as a fresh double array. */
    static double[] toDoubles(INDArray a) {
        return toDoubles(a, null);
    }

    /**
     * The values of {@code a} in row-major order, written into {@code reuse} when it has the right length (the
     * connections convert the same large shapes every step; fresh 16 MB arrays cost zeroing and GC).
     */
    static double[] toDoubles(INDArray a, double[] reuse) {
        boolean dense = a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length()
                && Shape.hasDefaultStridesForShape(a);
        INDArray d = dense ? a : a.dup('c');
        int length = (int) d.length();
        double[] out = reuse != null && reuse.length == length ? reuse : new double[length];
        if (d.dataType() == DataType.DOUBLE) {
            ((DoublePointer) d.data().pointer()).get(out, 0, length);
        } else if (d.dataType() == DataType.FLOAT) {
            float[] f = floats(length);
            ((FloatPointer) d.data().pointer()).get(f, 0, length);
            for (int i = 0; i < length; i++) {
                out[i] = f[i];
            }
        } else {
            System.arraycopy(d.data().asDouble(), 0, out, 0, length);
        }
        return out;
    }

    private static float[] floats(int length) {
        float[] f = FLOATS.get();
        if (f.length < length) {
            f = new float[length];
            FLOATS.set(f);
        }
        return f;
    }

    /**
     * A new array of the given type and shape holding {@code values} (row-major). Allocated in the current
     * workspace, if any, and filled by one bulk copy.
     */
    static INDArray fromDoubles(double[] values, DataType type, long... shape) {
        INDArray out = Nd4j.createUninitialized(type, shape, 'c');
        if (type == DataType.DOUBLE) {
            ((DoublePointer) out.data().pointer()).put(values);
        } else if (type == DataType.FLOAT) {
            float[] f = floats(values.length);
            for (int i = 0; i < values.length; i++) {
                f[i] = (float) values[i];
            }
            ((FloatPointer) out.data().pointer()).put(f, 0, values.length);
        } else {
            return Nd4j.create(values, shape, type);
        }
        return out;
    }

    /**
     * Matrix product with optional transposes, passed to the kernel rather than materialised (a transposed
     * view's {@code mmul} copies it first). For rank 3, a batched product over the leading dimension:
     * [N,a,b] x [N,b,c] -> [N,a,c].
     */
    static INDArray matmul(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        return Nd4j.matmul(a, b, transposeA, transposeB, false);
    }

    /** Per-row root mean square {@code sqrt(mean(x^2) + eps)} of a 2-D array, as a column [rows]. */
    static INDArray rowRms(INDArray x, double eps) {
        INDArray norm = x.norm2(1);  // one reduction, no [rows, cols] temporary
        return Transforms.sqrt(norm.muli(norm).divi(x.size(1)).addi(eps), false);
    }
}

package dev.mhcspark.model;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Small INDArray helpers shared by the layers: bulk copies to/from Java arrays and batched matmul. */
final class Arrays2 {
    private Arrays2() {
    }

    /** Elements converted per parallel task: large enough to amortise scheduling, small enough for L2. */
    private static final int CHUNK = 1 << 15;
    /** Per-thread staging chunk for float <-> double conversions. */
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    /**
     * The values of {@code a} in row-major order, as a fresh double array. Large arrays are converted in parallel
     * chunks straight from the native buffer, with no full-size staging copy.
     */
    static double[] toDoubles(INDArray a) {
        INDArray d = dense(a);
        int length = (int) d.length();
        double[] out = new double[length];
        if (d.dataType() == DataType.DOUBLE) {
            DoubleBuffer src = d.data().asNioDouble();
            chunks(length, (from, n) -> src.get(from, out, from, n));
        } else if (d.dataType() == DataType.FLOAT) {
            FloatBuffer src = d.data().asNioFloat();
            chunks(length, (from, n) -> {
                float[] f = FLOATS.get();
                src.get(from, f, 0, n);
                for (int i = 0; i < n; i++) {
                    out[from + i] = f[i];
                }
            });
        } else {
            System.arraycopy(d.data().asDouble(), 0, out, 0, length);
        }
        return out;
    }

    /**
     * A new array of the given type and shape holding {@code values} (row-major). Allocated in the current
     * workspace, if any, and filled in parallel chunks straight into the native buffer.
     */
    static INDArray fromDoubles(double[] values, DataType type, long... shape) {
        INDArray out = Nd4j.createUninitialized(type, shape, 'c');
        if (type == DataType.DOUBLE) {
            DoubleBuffer dst = out.data().asNioDouble();
            chunks(values.length, (from, n) -> dst.put(from, values, from, n));
        } else if (type == DataType.FLOAT) {
            FloatBuffer dst = out.data().asNioFloat();
            chunks(values.length, (from, n) -> {
                float[] f = FLOATS.get();
                for (int i = 0; i < n; i++) {
                    f[i] = (float) values[from + i];
                }
                dst.put(from, f, 0, n);
            });
        } else {
            return Nd4j.create(values, shape, type);
        }
        return out;
    }

    private interface Chunk {
        void run(int from, int length);
    }

    /** Runs {@code chunk} over {@code [0, length)} in pieces of {@link #CHUNK}, in parallel when there are several. */
    private static void chunks(int length, Chunk chunk) {
        int pieces = (length + CHUNK - 1) / CHUNK;
        if (pieces <= 1) {
            chunk.run(0, length);
            return;
        }
        IntStream.range(0, pieces).parallel().forEach(p -> {
            int from = p * CHUNK;
            chunk.run(from, Math.min(CHUNK, length - from));
        });
    }

    /** {@code a} itself if it is a dense row-major array of its own buffer, else a dense copy. */
    static INDArray dense(INDArray a) {
        boolean dense = a.ordering() == 'c' && a.offset() == 0 && a.data().length() == a.length()
                && Shape.hasDefaultStridesForShape(a);
        return dense ? a : a.dup('c');
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

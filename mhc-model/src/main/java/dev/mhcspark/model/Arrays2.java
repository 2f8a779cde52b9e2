package dev.mhcspark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Small INDArray helpers shared by the layers: bulk copies to/from Java arrays and batched matmul. */
final class Arrays2 {
    private Arrays2() {
    }

    /** The values of {@code a} in row-major order, as a fresh double array. */
    static double[] toDoubles(INDArray a) {
        INDArray d = dense(a);
        int length = (int) d.length();
        double[] out = new double[length];
        if (d.dataType() == DataType.FLOAT || d.dataType() == DataType.DOUBLE) {
            Rows.read(d.reshape(1, length)).get(0, out);
        } else {
            System.arraycopy(d.data().asDouble(), 0, out, 0, length);
        }
        return out;
    }

    /**
     * A new array of the given type and shape holding {@code values} (row-major), allocated in the current
     * workspace, if any.
     */
    static INDArray fromDoubles(double[] values, DataType type, long... shape) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            return Nd4j.create(values, shape, type);
        }
        Rows out = Rows.create(type, 1, values.length);
        out.put(0, values);
        return out.array().reshape('c', shape);
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

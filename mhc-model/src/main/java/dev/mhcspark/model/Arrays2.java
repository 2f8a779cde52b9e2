package dev.mhcspark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Small INDArray helpers shared by the layers: copies to/from Java arrays and batched matmul. */
final class Arrays2 {
    private Arrays2() {
    }

    /** The values of {@code a} in row-major order, as a fresh double array. */
    static double[] toDoubles(INDArray a) {
        INDArray c = (a.isView() || a.ordering() != 'c') ? a.dup('c') : a;
        return c.data().asDouble();
    }

    static INDArray fromDoubles(double[] values, DataType type, long... shape) {
        return Nd4j.create(values, shape, type);
    }

    /** Batched matmul over the leading dimension: [N,a,b] x [N,b,c] -> [N,a,c], with optional transposes. */
    static INDArray bmm(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
        return Nd4j.matmul(a, b, transposeA, transposeB, false);
    }

    /** Per-row root mean square {@code sqrt(mean(x^2) + eps)} of a 2-D array, as a column [rows]. */
    static INDArray rowRms(INDArray x, double eps) {
        return Transforms.sqrt(x.mul(x).mean(1).addi(eps), false);
    }
}

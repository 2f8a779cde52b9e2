package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Row access to ND4J buffers and the per-token vector loops, against plain element access and naive loops. */
class RowsTest {

    @Test
    void rowsWrittenInAWorkspaceReadBackElementByElement() {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(8L << 20).build();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "RowsTest")) {
                Nd4j.createUninitialized(type, 777);  // so the next array starts at an offset in the workspace
                int rows = 130;
                int width = 12;
                Rows r = Rows.create(type, rows, width);
                for (int t = 0; t < rows; t++) {
                    if (t % 2 == 0) {
                        r.put(t, row(t, width));
                    } else {
                        double[][] parts = new double[3][width / 3];
                        for (int i = 0; i < 3; i++) {
                            System.arraycopy(row(t, width), i * 4, parts[i], 0, 4);
                        }
                        r.put(t, parts);
                    }
                }
                INDArray a = r.array();
                for (int t = 0; t < rows; t++) {
                    for (int k = 0; k < width; k++) {
                        assertEquals(row(t, width)[k], a.getDouble(t, k), 0.0, type + " row " + t + " col " + k);
                    }
                }
                double[] back = new double[width];
                double[][] parts = new double[4][3];
                Rows read = Rows.read(a);
                read.get(129, back);
                assertArrayEquals(row(129, width), back, 0.0);
                read.get(7, parts);
                assertArrayEquals(new double[] {7009, 7010, 7011}, parts[3], 0.0);
            }
        }
    }

    @Test
    void readsViewsThroughADenseCopy() {
        INDArray base = Nd4j.create(new double[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, DataType.FLOAT);
        INDArray transposed = base.transpose();  // [3, 2], not row-major in memory
        double[] row = new double[2];
        Rows.read(transposed).get(2, row);
        assertArrayEquals(new double[] {3, 6}, row, 0.0);
    }

    @Test
    void rejectsOtherShapesAndTypes() {
        assertThrows(IllegalArgumentException.class, () -> Rows.read(Nd4j.create(DataType.FLOAT, 2, 3, 4)));
        assertThrows(IllegalArgumentException.class, () -> Rows.read(Nd4j.create(DataType.INT32, 2, 3)));
    }

    @Test
    void parallelSumsAreExactAndDoNotDependOnScheduling() {
        int tokens = 1000;  // not a multiple of the task size
        double[][] values = new double[tokens][3];
        Random random = new Random(5);
        for (double[] v : values) {
            for (int k = 0; k < 3; k++) {
                v[k] = random.nextGaussian() * 1e6;
            }
        }
        double[] first = sum(values);
        for (int rep = 0; rep < 20; rep++) {
            assertArrayEquals(first, sum(values), 0.0, "run " + rep);
        }
        for (int k = 0; k < 3; k++) {
            double naive = 0;
            for (double[] v : values) {
                naive += v[k];
            }
            assertEquals(naive, first[k], Math.abs(naive) * 1e-12 + 1e-6);
        }
    }

    @Test
    void dotsMatchNaiveLoopsForAnyLengthAndCount() {
        Random random = new Random(9);
        for (int length : new int[] {1, 3, 4, 7, 256, 257}) {
            for (int count : new int[] {1, 4, 5, 9}) {
                double[] a = gaussian(random, length);
                double[][] b = new double[count][];
                for (int j = 0; j < count; j++) {
                    b[j] = gaussian(random, length);
                }
                double[] out = new double[count + 2];
                RowMath.dots(a, b, out, 2);
                for (int j = 0; j < count; j++) {
                    double naive = 0;
                    for (int k = 0; k < length; k++) {
                        naive += a[k] * b[j][k];
                    }
                    assertEquals(naive, out[2 + j], 1e-12 * length, "length " + length + " dot " + j);
                    assertEquals(naive, RowMath.dot(a, b[j]), 1e-12 * length);
                }
            }
        }
        double[] y = {1, 2, 3};
        RowMath.axpy(2, new double[] {1, 1, 1}, y);
        assertArrayEquals(new double[] {3, 4, 5}, y, 0.0);
        RowMath.scale(-1, new double[] {1, 2, 3}, y);
        assertArrayEquals(new double[] {-1, -2, -3}, y, 0.0);
    }

    private static double[] sum(double[][] values) {
        return Rows.parallelSum(values.length, 3, (from, to, partial) -> {
            for (int t = from; t < to; t++) {
                for (int k = 0; k < 3; k++) {
                    partial[k] += values[t][k];
                }
            }
        });
    }

    private static double[] row(int t, int width) {
        double[] r = new double[width];
        for (int k = 0; k < width; k++) {
            r[k] = t * 1000 + k;
        }
        return r;
    }

    private static double[] gaussian(Random random, int length) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextGaussian();
        }
        return v;
    }
}

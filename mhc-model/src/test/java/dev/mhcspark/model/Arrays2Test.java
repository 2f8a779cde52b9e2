package dev.mhcspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bulk conversions between INDArrays and double arrays, element by element against getDouble/putScalar. */
class Arrays2Test {
    private static final int ROWS = 300;
    private static final int COLS = 1000;  // 300k elements

    @Test
    void largeArraysConvertExactlyBothWays() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.rand(type, ROWS, COLS).subi(0.5);
            double[] values = Arrays2.toDoubles(a);
            assertEquals(ROWS * COLS, values.length);
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLS; c++) {
                    assertEquals(a.getDouble(r, c), values[r * COLS + c], 0.0, type + " at " + r + "," + c);
                }
            }
            INDArray back = Arrays2.fromDoubles(values, type, ROWS, COLS);
            assertEquals(a, back, type + " round trip");
        }
    }

    @Test
    void viewsAndWorkspaceArraysAtAnOffsetConvertTheirOwnElements() {
        INDArray base = Nd4j.rand(DataType.FLOAT, COLS, ROWS);
        double[] transposed = Arrays2.toDoubles(base.transpose());  // not dense in c order: copied first
        for (int r = 0; r < ROWS; r++) {
            assertEquals(base.getDouble(7, r), transposed[r * COLS + 7], 0.0);
        }
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(16L << 20).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "Arrays2Test")) {
            Nd4j.createUninitialized(DataType.FLOAT, 12345);  // so the next array starts at an offset
            double[] values = new double[ROWS * COLS];
            for (int i = 0; i < values.length; i++) {
                values[i] = i % 977 - 488.25;
            }
            INDArray inWorkspace = Arrays2.fromDoubles(values, DataType.FLOAT, ROWS, COLS);
            assertEquals(values[123_456], inWorkspace.getDouble(123, 456), 0.0);
            assertEquals(values[values.length - 1], inWorkspace.getDouble(ROWS - 1, COLS - 1), 0.0);
            double[] again = Arrays2.toDoubles(inWorkspace);
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], again[i], 0.0, "element " + i);
            }
        }
    }
}

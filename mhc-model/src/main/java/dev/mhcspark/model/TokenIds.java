package dev.mhcspark.model;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Reads token ids held in an INDArray ([B, T], [B, 1, T] or [B, T, 1]) into a checked int[B*T]. */
public final class TokenIds {
    private TokenIds() {
    }

    /** The [B, T] view of ids given in any accepted layout. */
    public static INDArray asBatchByTime(INDArray ids, String role) {
        if (ids.rank() == 2) {
            return ids;
        }
        if (ids.rank() == 3 && ids.size(1) == 1) {
            return ids.reshape(ids.size(0), ids.size(2));
        }
        if (ids.rank() == 3 && ids.size(2) == 1) {
            return ids.reshape(ids.size(0), ids.size(1));
        }
        throw new IllegalArgumentException(role + ": expected token ids of shape [batch, T], [batch, 1, T] or "
                + "[batch, T, 1], got " + Arrays.toString(ids.shape()));
    }

    public static int[] read(INDArray ids, int vocabSize, String role) {
        INDArray t = asBatchByTime(ids, role);
        long seqLen = t.size(1);
        double[] raw = Arrays2.toDoubles(t.dataType() == DataType.DOUBLE ? t : t.castTo(DataType.DOUBLE));
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int id = (int) raw[i];
            if (id != raw[i] || id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException(role + ": token id " + raw[i] + " at [" + i / seqLen + ", "
                        + i % seqLen + "] is outside the vocabulary [0, " + vocabSize + ")");
            }
            out[i] = id;
        }
        return out;
    }
}

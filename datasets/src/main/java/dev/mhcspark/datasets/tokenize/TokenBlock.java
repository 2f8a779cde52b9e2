package dev.mhcspark.datasets.tokenize;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A run of consecutive tokens of one split from one partition, with the documents that start in it. The
 * partition's blocks in order, then the next partition's, form the split's token stream; the last record of
 * every partition is a summary with no tokens that carries the partition's {@link PartitionStats}.
 *
 * @param split the split's ordinal, or -1 for the summary
 * @param docStarts offsets in {@code tokens} where the documents {@code docIds} start
 * @param continuedDocId the document that covers offset 0 when none starts there (-1 if one does)
 */
public record TokenBlock(int partition, int split, int block, int[] tokens, int[] docStarts, long[] docIds,
                         long continuedDocId, PartitionStats stats) implements Serializable {

    static TokenBlock summary(int partition, PartitionStats stats) {
        return new TokenBlock(partition, -1, Integer.MAX_VALUE, new int[0], new int[0], new long[0], -1, stats);
    }

    boolean isSummary() {
        return split < 0;
    }

    /** The document that token {@code offset} of this block belongs to. */
    long docIdAt(int offset) {
        int i = Arrays.binarySearch(docStarts, offset);
        if (i < 0) {
            i = -i - 2;  // the last document starting before offset
        }
        return i < 0 ? continuedDocId : docIds[i];
    }

    /** Identifies the block among all blocks of its split: partitions in order, then blocks in order. */
    long key() {
        return ((long) partition << 32) | block;
    }
}

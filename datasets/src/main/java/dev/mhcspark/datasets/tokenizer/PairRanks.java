package dev.mhcspark.datasets.tokenizer;

import java.util.Arrays;

/**
 * Rank of each merge by its pair of ids, in an open-addressing hash table of primitive longs: the lookup the merge
 * loop does once or twice per byte of text, so no boxing. Immutable after construction.
 */
final class PairRanks {
    static final int NONE = -1;
    private static final long EMPTY = -1L;  // no key is negative: both ids are >= 0

    private final long[] keys;
    private final int[] ranks;
    private final int mask;

    /** Merge {@code k} joins {@code left[k]} and {@code right[k]}; a pair given twice keeps its first rank. */
    PairRanks(int[] left, int[] right) {
        int capacity = Integer.highestOneBit(Math.max(4, left.length * 2 - 1)) << 1;  // load factor <= 1/2
        keys = new long[capacity];
        ranks = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
        for (int rank = 0; rank < left.length; rank++) {
            long key = key(left[rank], right[rank]);
            int slot = slot(key);
            while (keys[slot] != EMPTY && keys[slot] != key) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == EMPTY) {
                keys[slot] = key;
                ranks[slot] = rank;
            }
        }
    }

    /** The rank of the merge of {@code left} then {@code right}, or {@link #NONE}. */
    int rank(int left, int right) {
        long key = key(left, right);
        for (int slot = slot(key); ; slot = (slot + 1) & mask) {
            long k = keys[slot];
            if (k == key) {
                return ranks[slot];
            }
            if (k == EMPTY) {
                return NONE;
            }
        }
    }

    /** Both ids in one long, left in the high half: keys order as (left, right) pairs do. */
    static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFF_FFFFL);
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }
}

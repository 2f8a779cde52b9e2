package dev.mhcspark.datasets.tokenizer;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * Byte-pair encoding of one piece: starting from its bytes, repeatedly merge the adjacent pair whose merge has the
 * lowest rank (the leftmost such pair on a tie), until no adjacent pair has a merge. Merge {@code k} makes id
 * {@code 256 + k}. Immutable and thread-safe.
 */
final class BytePairMerger {
    /** Up to this many bytes a linear scan per merge beats a heap (pieces of natural text are a few bytes long). */
    static final int SCAN_LIMIT = 64;

    private final PairRanks ranks;

    BytePairMerger(PairRanks ranks) {
        this.ranks = ranks;
    }

    int[] merge(byte[] bytes) {
        return bytes.length <= SCAN_LIMIT ? mergeByScan(bytes) : mergeByHeap(bytes);
    }

    /** O(n²) in the piece's length n, with small constants: one rank per adjacent pair, rescanned per merge. */
    int[] mergeByScan(byte[] bytes) {
        int len = bytes.length;
        int[] ids = new int[len];
        for (int i = 0; i < len; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        if (len < 2) {
            return ids;
        }
        int[] pairRank = new int[len - 1];  // rank of (ids[i], ids[i + 1]), NONE as MAX_VALUE so min() skips it
        for (int i = 0; i < len - 1; i++) {
            pairRank[i] = rankOrMax(ids[i], ids[i + 1]);
        }
        while (len > 1) {
            int best = 0;
            for (int i = 1; i < len - 1; i++) {
                if (pairRank[i] < pairRank[best]) {
                    best = i;
                }
            }
            int rank = pairRank[best];
            if (rank == Integer.MAX_VALUE) {
                break;
            }
            ids[best] = 256 + rank;
            System.arraycopy(ids, best + 2, ids, best + 1, len - best - 2);
            if (best + 2 < len - 1) {
                System.arraycopy(pairRank, best + 2, pairRank, best + 1, len - best - 3);
            }
            len--;
            if (best > 0) {
                pairRank[best - 1] = rankOrMax(ids[best - 1], ids[best]);
            }
            if (best < len - 1) {
                pairRank[best] = rankOrMax(ids[best], ids[best + 1]);
            }
        }
        return Arrays.copyOf(ids, len);
    }

    /**
     * O(n log n): the ids as a linked list over byte positions and a heap of (rank, position) pairs; entries made
     * stale by a neighbouring merge are skipped when they surface. Same result as the scan: the heap's order is
     * (lowest rank, leftmost position).
     */
    int[] mergeByHeap(byte[] bytes) {
        int n = bytes.length;
        int[] ids = new int[n];
        int[] next = new int[n];
        int[] prev = new int[n];
        boolean[] merged = new boolean[n];  // absorbed into its left neighbour
        PriorityQueue<Long> heap = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            ids[i] = bytes[i] & 0xFF;
            next[i] = i + 1 < n ? i + 1 : -1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < n; i++) {
            push(heap, ids[i], ids[i + 1], i);
        }
        int len = n;
        while (!heap.isEmpty()) {
            long entry = heap.poll();
            int rank = (int) (entry >>> 32);
            int i = (int) entry;
            int j = merged[i] ? -1 : next[i];
            if (j < 0 || ranks.rank(ids[i], ids[j]) != rank) {
                continue;  // stale: i or its right neighbour changed since this entry was pushed
            }
            ids[i] = 256 + rank;
            merged[j] = true;
            next[i] = next[j];
            if (next[j] >= 0) {
                prev[next[j]] = i;
            }
            len--;
            if (prev[i] >= 0) {
                push(heap, ids[prev[i]], ids[i], prev[i]);
            }
            if (next[i] >= 0) {
                push(heap, ids[i], ids[next[i]], i);
            }
        }
        int[] out = new int[len];
        for (int i = 0, k = 0; i >= 0; i = next[i]) {
            out[k++] = ids[i];
        }
        return out;
    }

    private void push(PriorityQueue<Long> heap, int left, int right, int position) {
        int rank = ranks.rank(left, right);
        if (rank != PairRanks.NONE) {
            heap.add(((long) rank << 32) | position);
        }
    }

    private int rankOrMax(int left, int right) {
        int rank = ranks.rank(left, right);
        return rank == PairRanks.NONE ? Integer.MAX_VALUE : rank;
    }
}

package dev.mhcspark.datasets.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns BPE merges from word counts in one process (the trainer's driver side), incrementally: pair counts are
 * kept up to date by looking only at the words that hold the merged pair (an index from pair to words), and a heap
 * with lazy updates finds the most frequent pair. Merge choice: highest count, then the smallest (left, right) pair;
 * so the same counts always give the same merges. Not thread-safe: one learner per run.
 */
final class BpeMergeLearner {
    private static final Logger LOG = LoggerFactory.getLogger(BpeMergeLearner.class);

    /** The merges learned, in rank order, and whether learning stopped before the target for want of pairs. */
    record Result(int[] left, int[] right, boolean stoppedEarly) {
    }

    /** Symbols of each distinct word, merged in place; {@code lengths[w]} of them are live. */
    private final int[][] words;
    private final int[] lengths;
    private final long[] counts;
    private final Map<Long, long[]> pairCounts = new HashMap<>();
    /** Words that held each pair when it formed; entries go stale as words change and are checked on use. */
    private final Map<Long, IntArrayBuilder> pairWords = new HashMap<>();
    /** Entries {count, pair}: upper bounds of current counts (counts of existing pairs only ever fall). */
    private final PriorityQueue<long[]> heap = new PriorityQueue<>((x, y) -> x[0] != y[0]
            ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
    private final int[] visitedAtMerge;

    /** {@code words[w]} (ids below 256: bytes) occurs {@code counts[w]} times in the corpus. */
    BpeMergeLearner(int[][] words, long[] counts) {
        this.words = new int[words.length][];
        this.lengths = new int[words.length];
        this.counts = counts.clone();
        this.visitedAtMerge = new int[words.length];
        for (int w = 0; w < words.length; w++) {
            this.words[w] = words[w].clone();
            lengths[w] = words[w].length;
            visitedAtMerge[w] = -1;
            for (int i = 0; i + 1 < lengths[w]; i++) {
                long pair = PairRanks.key(words[w][i], words[w][i + 1]);
                addCount(pair, counts[w]);
                index(pair, w);
            }
        }
        pairCounts.forEach((pair, count) -> heap.add(new long[] {count[0], pair}));
    }

    /**
     * Learns up to {@code targetMerges} merges, stopping early when no pair occurs at least
     * {@code minPairFrequency} times.
     */
    Result learn(int targetMerges, long minPairFrequency) {
        List<long[]> merges = new ArrayList<>();
        int logEvery = Math.max(1, (targetMerges + 9) / 10);
        long start = System.nanoTime();
        boolean stoppedEarly = false;
        while (merges.size() < targetMerges) {
            long[] best = mostFrequentPair();
            if (best == null || best[0] < minPairFrequency) {
                stoppedEarly = true;
                LOG.info("BPE: stopped after {} of {} merges: {}", merges.size(), targetMerges, best == null
                        ? "no pairs left (every word is one token)"
                        : "the most frequent pair occurs " + best[0] + " times, below the minimum " + minPairFrequency);
                break;
            }
            int rank = merges.size();
            apply(best[1], 256 + rank);
            merges.add(best);
            if ((rank + 1) % logEvery == 0) {
                LOG.info("BPE: {}/{} merges ({}%), last pair seen {} times, {} s", rank + 1, targetMerges,
                        100L * (rank + 1) / targetMerges, best[0], BpeTrainer.secondsSince(start));
            }
        }
        int[] left = new int[merges.size()];
        int[] right = new int[merges.size()];
        for (int k = 0; k < merges.size(); k++) {
            left[k] = (int) (merges.get(k)[1] >>> 32);
            right[k] = (int) merges.get(k)[1];
        }
        return new Result(left, right, stoppedEarly);
    }

    /** {count, pair} of the most frequent pair (smallest pair on a tie), or null if no pair is left. */
    private long[] mostFrequentPair() {
        while (!heap.isEmpty()) {
            long[] top = heap.poll();
            long current = count(top[1]);
            if (current == top[0]) {
                return top;
            }
            if (current > 0) {
                heap.add(new long[] {current, top[1]});  // it fell since pushed: back in at its true count
            }
        }
        return null;
    }

    /** Replaces every occurrence of {@code pair} (left to right, not overlapping) by {@code merged}. */
    private void apply(long pair, int merged) {
        int a = (int) (pair >>> 32);
        int b = (int) pair;
        Set<Long> formed = new HashSet<>();
        IntArrayBuilder holders = pairWords.remove(pair);
        for (int h = 0; h < holders.size(); h++) {
            int w = holders.get(h);
            if (visitedAtMerge[w] == merged) {
                continue;
            }
            visitedAtMerge[w] = merged;
            mergeInWord(w, a, b, merged, formed);
        }
        pairCounts.remove(pair);
        for (long newPair : formed) {
            long count = count(newPair);
            if (count > 0) {
                heap.add(new long[] {count, newPair});
            }
        }
    }

    /**
     * Merges in word {@code w} and updates the counts of the pairs around each merge: the left neighbour is read
     * from the merged output (it may be the symbol just made), the right one from the input.
     */
    private void mergeInWord(int w, int a, int b, int merged, Set<Long> formed) {
        int[] symbols = words[w];
        int len = lengths[w];
        long c = counts[w];
        int out = 0;
        for (int i = 0; i < len; ) {
            if (i + 1 < len && symbols[i] == a && symbols[i + 1] == b) {
                addCount(PairRanks.key(a, b), -c);
                if (out > 0) {
                    addCount(PairRanks.key(symbols[out - 1], a), -c);
                    long before = PairRanks.key(symbols[out - 1], merged);
                    addCount(before, c);
                    formed.add(before);
                    index(before, w);
                }
                if (i + 2 < len) {
                    addCount(PairRanks.key(b, symbols[i + 2]), -c);
                    long after = PairRanks.key(merged, symbols[i + 2]);
                    addCount(after, c);
                    formed.add(after);
                    index(after, w);
                }
                symbols[out++] = merged;
                i += 2;
            } else {
                symbols[out++] = symbols[i++];
            }
        }
        lengths[w] = out;
    }

    private long count(long pair) {
        long[] count = pairCounts.get(pair);
        return count == null ? 0 : count[0];
    }

    private void addCount(long pair, long delta) {
        long[] count = pairCounts.computeIfAbsent(pair, p -> new long[1]);
        count[0] += delta;
        if (count[0] == 0) {
            pairCounts.remove(pair);
        }
    }

    private void index(long pair, int w) {
        pairWords.computeIfAbsent(pair, p -> new IntArrayBuilder(4)).add(w);
    }
}

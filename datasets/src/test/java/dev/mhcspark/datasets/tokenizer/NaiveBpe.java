package dev.mhcspark.datasets.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The textbook BPE, slow and obviously right, as an oracle: training recounts every pair of every word at every
 * step; encoding applies the merges one by one in rank order to the whole piece.
 */
final class NaiveBpe {
    private NaiveBpe() {
    }

    /** Merges as {left, right}, highest count first, then the smallest (left, right) pair. */
    static List<int[]> learn(Map<String, Long> wordCounts, int maxMerges, long minPairFrequency) {
        Map<List<Integer>, Long> words = new LinkedHashMap<>();
        wordCounts.forEach((word, count) -> words.merge(bytes(word), count, Long::sum));
        List<int[]> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            TreeMap<List<Integer>, Long> pairs = new TreeMap<>((x, y) -> x.get(0).equals(y.get(0))
                    ? Integer.compare(x.get(1), y.get(1)) : Integer.compare(x.get(0), y.get(0)));
            words.forEach((symbols, count) -> {
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    pairs.merge(List.of(symbols.get(i), symbols.get(i + 1)), count, Long::sum);
                }
            });
            List<Integer> best = null;
            for (Map.Entry<List<Integer>, Long> e : pairs.entrySet()) {  // ascending pairs: ties keep the smallest
                if (best == null || e.getValue() > pairs.get(best)) {
                    best = e.getKey();
                }
            }
            if (best == null || pairs.get(best) < minPairFrequency) {
                break;
            }
            int merged = 256 + merges.size();
            merges.add(new int[] {best.get(0), best.get(1)});
            Map<List<Integer>, Long> next = new LinkedHashMap<>();
            for (Map.Entry<List<Integer>, Long> e : words.entrySet()) {
                next.merge(apply(e.getKey(), best.get(0), best.get(1), merged), e.getValue(), Long::sum);
            }
            words.clear();
            words.putAll(next);
        }
        return merges;
    }

    static int[] encode(byte[] piece, List<int[]> merges) {
        List<Integer> symbols = new ArrayList<>();
        for (byte b : piece) {
            symbols.add(b & 0xFF);
        }
        for (int k = 0; k < merges.size(); k++) {
            symbols = apply(symbols, merges.get(k)[0], merges.get(k)[1], 256 + k);
        }
        return symbols.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Integer> apply(List<Integer> symbols, int a, int b, int merged) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < symbols.size(); ) {
            if (i + 1 < symbols.size() && symbols.get(i) == a && symbols.get(i + 1) == b) {
                out.add(merged);
                i += 2;
            } else {
                out.add(symbols.get(i++));
            }
        }
        return out;
    }

    private static List<Integer> bytes(String word) {
        List<Integer> out = new ArrayList<>();
        for (byte b : word.getBytes(StandardCharsets.UTF_8)) {
            out.add(b & 0xFF);
        }
        return out;
    }
}

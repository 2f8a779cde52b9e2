package dev.mhcspark.datasets.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The driver-side merge learning, against a hand-worked example and the naive recount-everything oracle. */
class BpeMergeLearnerTest {
    /** h=104 u=117 g=103 p=112 n=110 b=98 s=115. */
    static final Map<String, Long> HUGS = words("hug", 10, "pug", 5, "pun", 12, "bun", 4, "hugs", 5);

    /**
     * By hand: pairs ug 20, pu 17, un 16, hu 15, ... -> ug=256; then un 16 -> 257; h+ug 15 -> 258 (hug);
     * p+un 12 -> 259 (pun); then p+ug 5 and hug+s 5 tie and the smaller pair (112, 256) goes first -> 260 (pug);
     * hug+s -> 261 (hugs); b+un 4 -> 262 (bun); then every word is one symbol.
     */
    static final int[][] HUGS_MERGES = {{117, 103}, {117, 110}, {104, 256}, {112, 257}, {112, 256}, {258, 115},
        {98, 257}};

    @Test
    void learnsTheHandWorkedMerges() {
        BpeMergeLearner.Result result = learner(HUGS).learn(100, 1);
        assertArrayEquals(HUGS_MERGES, pairs(result));
        assertTrue(result.stoppedEarly(), "7 merges leave no pair, short of 100");
        assertFalse(learner(HUGS).learn(7, 1).stoppedEarly());
        assertEquals(6, learner(HUGS).learn(100, 5).left().length, "all but b+un (4 times) occur 5 times or more");
    }

    @Test
    void agreesWithTheNaiveOracle() {
        assertArrayEquals(NaiveBpe.learn(HUGS, 100, 1).toArray(int[][]::new), pairs(learner(HUGS).learn(100, 1)));
        SplittableRandom r = new SplittableRandom(11);
        for (int rep = 0; rep < 20; rep++) {
            // a small alphabet and repeated letters: many ties and overlapping pairs (aaa)
            Map<String, Long> corpus = new LinkedHashMap<>();
            for (int w = 0; w < 60; w++) {
                StringBuilder word = new StringBuilder();
                for (int i = 1 + r.nextInt(9); i > 0; i--) {
                    word.append("aabé".charAt(r.nextInt(4)));
                }
                corpus.merge(word.toString(), 1L + r.nextInt(5), Long::sum);
            }
            long minFrequency = 1 + r.nextInt(3);
            assertArrayEquals(NaiveBpe.learn(corpus, 80, minFrequency).toArray(int[][]::new),
                    pairs(learner(corpus).learn(80, minFrequency)), "corpus " + corpus);
        }
    }

    static BpeMergeLearner learner(Map<String, Long> corpus) {
        List<int[]> words = new ArrayList<>();
        long[] counts = new long[corpus.size()];
        int w = 0;
        for (Map.Entry<String, Long> e : corpus.entrySet()) {
            byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] symbols = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[i] = bytes[i] & 0xFF;
            }
            words.add(symbols);
            counts[w++] = e.getValue();
        }
        return new BpeMergeLearner(words.toArray(int[][]::new), counts);
    }

    static int[][] pairs(BpeMergeLearner.Result result) {
        int[][] pairs = new int[result.left().length][];
        for (int k = 0; k < pairs.length; k++) {
            pairs[k] = new int[] {result.left()[k], result.right()[k]};
        }
        return pairs;
    }

    static Map<String, Long> words(Object... wordThenCount) {
        Map<String, Long> words = new LinkedHashMap<>();
        for (int i = 0; i < wordThenCount.length; i += 2) {
            words.put((String) wordThenCount[i], ((Integer) wordThenCount[i + 1]).longValue());
        }
        return words;
    }
}

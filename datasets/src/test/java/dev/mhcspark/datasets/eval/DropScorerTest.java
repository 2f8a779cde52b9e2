package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * DROP EM/F1: hand-worked examples for every rule (each also checked against the official drop_eval.py on CPython
 * 3.11 with numpy/scipy), and a cross-check against a naive implementation written here from the definition
 * (regex normalisation, brute force over all alignments) on random multi-span cases.
 */
class DropScorerTest {

    @Test
    void numbersWithAndWithoutCommasAndDecimals() {
        assertScore(1, 1, "12", "12.0");
        assertScore(1, 1, "1,000", "1000");
        assertScore(1, 1, "12345.6", "12345.60");
        // punctuation goes before the number test, so "12,345.6" becomes 123456.0: no shared number, F1 0
        assertScore(0, 0, "12,345.6", "12345.6");
        assertScore(1, 1, "10000000", "1e7"); // Python prints both 10000000.0, Java would print 1.0E7
        assertScore(1, 1, "-3", "3"); // the minus sign is a hyphen: a token separator
        // a unit costs precision: bags {12.0, yards} vs {12.0}: p = 1/2, r = 1, F1 = 2/3
        assertScore(0, 0.67, "12 yards", "12");
        // the gold span has a number the prediction lacks: 0 whatever the word overlap
        assertScore(0, 0, "13 yards", "12 yards");
        assertScore(0, 0, "two", "2");
        // no number in the gold span: plain token F1, {12.0, bears} vs {chicago, bears}: 1/2
        assertScore(0, 0.5, "12 Bears", "Chicago Bears");
        // the gold numbers must be shared, not all of them: {1.0, 2.0, 3.0} vs {1.0}: p = 1/3, r = 1, F1 = 1/2
        assertScore(0, 0.5, List.of("1 2 3"), List.of("1"));
    }

    @Test
    void dates() {
        DropAnswer date = DropAnswer.ofDate("3", "May", "1214");
        assertEquals(List.of("3 May 1214"), date.strings());
        assertScore(1, 1, "3 May 1214", "3 May 1214");
        // "3," loses its comma and becomes 3.0; same bag, different normalised string: F1 1 but no EM
        assertScore(0, 1, "May 3, 1214", "3 May 1214");
        // {may, 1214.0} vs {3.0, may, 1214.0}: a gold number is shared; p = 1, r = 2/3, F1 = 0.8
        assertScore(0, 0.8, "May 1214", "3 May 1214");
        // a year alone: "  1353" normalises to 1353.0
        DropAnswer year = DropAnswer.ofDate("", "", "1353");
        assertEquals(List.of("  1353"), year.strings());
        assertEquals(new DropScore(1, 1, "date"), DropScorer.scoreQuestion(List.of("1353"), List.of(year)));
    }

    @Test
    void multiSpanAlignmentIsOptimalWhereGreedyMatchingIsNot() {
        // gold {alpha beta} {beta}, predicted {alpha beta} {alpha}: pairing the perfect match first leaves
        // beta-alpha at 0 (mean 0.5); the optimum pairs both at 2/3 (mean 2/3)
        assertScore(0, 0.67, List.of("alpha beta", "alpha"), List.of("alpha beta", "beta"));
        assertScore(1, 1, List.of("Lions", "Bears"), List.of("Bears", "Lions"));
        // the mean is over max(#gold, #predicted): a missing or an extra span counts 0
        assertScore(0, 0.5, List.of("Bears"), List.of("Bears", "Lions"));
        assertScore(0, 0.5, List.of("Bears", "Lions"), List.of("Bears"));
        assertScore(0, 0.33, List.of("bears"), List.of("bears", "lions", "eagles"));
    }

    @Test
    void exactMatchComparesSpanSetsAndCountsAsTheOfficialScriptDoes() {
        // set(p) == set(g) and len(p) == len(g): [x, x, y] "equals" [x, y, y] (not a multiset comparison),
        // while the F1 alignment sees the difference: x-x, y-y, the second y unmatched: 2/3
        assertScore(1, 0.67, List.of("x", "x", "y"), List.of("x", "y", "y"));
        assertScore(0, 1.0 / 2, List.of("x", "x"), List.of("x"));
    }

    @Test
    void emptyAnswers() {
        // an empty prediction: precision 1, recall 0: F1 0
        assertScore(0, 0, "", "Bears");
        assertScore(0, 0, List.of(), List.of("Bears"));
        // both empty (after normalisation): EM 1 and F1 1, as in the official get_metrics
        assertScore(1, 1, "", "");
        assertScore(1, 1, "the", "a");
        assertScore(0, 0, "(A)", "(B)"); // "(a)" -> "a" -> article -> nothing; "(b)" -> "b"
    }

    @Test
    void f1IsRoundedToTwoDecimalsAsNumpyRoundsFloat64() {
        // {w1} against a 7-token prediction: F1 1/4; mean with an unmatched gold span 0.125; numpy rounds half to even
        assertScore(0, 0.12, List.of("w1 b c d e f g"), List.of("w1", "zz"));
        assertEquals(0.12, DropScorer.roundLikeNumpy(0.125));
        assertEquals(0.28, DropScorer.roundLikeNumpy(0.285)); // 28.499999999999996 after * 100
        // 0.015 * 100 is exactly 1.5: numpy gives 0.02 where Python's correctly rounded round(0.015, 2) gives 0.01
        assertEquals(0.02, DropScorer.roundLikeNumpy(0.015));
        assertEquals(0.5, DropScorer.numpyMean(new double[] {1, 0}));
    }

    @Test
    void aQuestionScoresTheMaximumOverItsGoldAnswers() {
        List<DropAnswer> gold = List.of(DropAnswer.ofNumber("2"), DropAnswer.ofSpans(List.of("two")));
        assertEquals(new DropScore(1, 1, "span"), DropScorer.scoreQuestion(List.of("two"), gold));
        assertEquals(new DropScore(1, 1, "number"), DropScorer.scoreQuestion(List.of("2.0"), gold));
        // EM and F1 are maximised separately
        List<DropAnswer> two = List.of(DropAnswer.ofSpans(List.of("Pete Lindqvist")),
                DropAnswer.ofSpans(List.of("Lindqvist")));
        assertEquals(new DropScore(1, 1, "span"), DropScorer.scoreQuestion(List.of("Lindqvist"), two));
        assertEquals(0.67, DropScorer.scoreQuestion(List.of("Pete"), two).f1());
    }

    @Test
    void answerObjectsCountNumberFirstThenSpansThenDate() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String date = "\"date\": {\"day\": \"3\", \"month\": \"May\", \"year\": \"1214\"}";
        DropAnswer all = DropAnswer.fromJson(
                json.readTree("{\"number\": \"4\", \"spans\": [\"four\"], " + date + "}"), "x");
        assertEquals(List.of("4"), all.strings());
        assertEquals("number", all.type());
        DropAnswer spans = DropAnswer.fromJson(
                json.readTree("{\"number\": \"\", \"spans\": [\"a b\", \"c\"], " + date + "}"), "x");
        assertEquals(List.of("a b", "c"), spans.strings());
        assertEquals("spans", spans.type());
        DropAnswer day = DropAnswer.fromJson(
                json.readTree("{\"number\": \"\", \"spans\": [], " + date + "}"), "x");
        assertEquals(List.of("3 May 1214"), day.strings());
        assertEquals("date", day.type());
    }

    @Test
    void blankGoldAnswersAreIgnored() {
        DropAnswer blank = DropAnswer.ofDate("", "", "");
        assertEquals(List.of("  "), blank.strings());
        assertEquals(new DropScore(1, 1, "span"),
                DropScorer.scoreQuestion(List.of("Bears"), List.of(blank, DropAnswer.ofSpans(List.of("Bears")))));
        // only blank gold answers: 0, with no type (the official max_type stays None)
        assertEquals(new DropScore(0, 0, DropScore.NO_TYPE), DropScorer.scoreQuestion(List.of(""), List.of(blank)));
    }

    @Test
    void agreesWithANaiveImplementationOnRandomCases() {
        Random rng = new Random(20240611);
        String[] vocabulary = {"the", "The", "a", "an", "bears", "Bears", "lions", "new", "york", "cat", "12", "12.0",
            "1,000", "1000", "3.5", "3.50", "$5", "7", "0.5", "(A)", "don't", "e.g.", "well-known", "-3", "twenty"};
        int cases = 400;
        int multiSpan = 0;
        for (int i = 0; i < cases; i++) {
            List<String> gold = spans(rng, vocabulary, 1 + rng.nextInt(4));
            List<String> predicted = spans(rng, vocabulary, rng.nextInt(5));
            if (!predicted.isEmpty() && rng.nextBoolean()) {
                predicted.set(rng.nextInt(predicted.size()), gold.get(rng.nextInt(gold.size())));
            }
            multiSpan += gold.size() > 1 && predicted.size() > 1 ? 1 : 0;
            DropScore actual = DropScorer.score(predicted, gold);
            double[] expected = Naive.score(predicted, gold);
            String what = "predicted " + predicted + " gold " + gold;
            assertEquals(expected[0], actual.exactMatch(), what);
            assertEquals(expected[1], actual.f1(), 1e-12, what);
        }
        assertEquals(true, multiSpan > cases / 3, "enough multi-span cases: " + multiSpan);
    }

    private static List<String> spans(Random rng, String[] vocabulary, int n) {
        String[] separators = {" ", "-", "  "};
        List<String> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            StringBuilder span = new StringBuilder();
            int tokens = rng.nextInt(4);
            for (int t = 0; t < tokens; t++) {
                span.append(t == 0 ? "" : separators[rng.nextInt(separators.length)])
                        .append(vocabulary[rng.nextInt(vocabulary.length)]);
            }
            out.add(span.toString());
        }
        return out;
    }

    private static void assertScore(double em, double f1, String predicted, String gold) {
        assertScore(em, f1, List.of(predicted), List.of(gold));
    }

    private static void assertScore(double em, double f1, List<String> predicted, List<String> gold) {
        DropScore s = DropScorer.score(predicted, gold);
        assertEquals(em, s.exactMatch(), "EM of " + predicted + " vs " + gold);
        assertEquals(f1, s.f1(), "F1 of " + predicted + " vs " + gold);
    }

    /**
     * The definition, written plainly and independently for ASCII text whose numbers Java prints as Python does
     * (integers below 1e7 and short decimals): regexes for the normalisation, sets, all permutations for the
     * alignment, sequential mean, Math.round-free rounding via BigDecimal HALF_EVEN on x * 100.
     */
    private static final class Naive {
        private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

        static double[] score(List<String> predicted, List<String> gold) {
            List<String> p = predicted.stream().map(Naive::normalize).toList();
            List<String> g = gold.stream().map(Naive::normalize).toList();
            double em = new HashSet<>(p).equals(new HashSet<>(g)) && p.size() == g.size() ? 1 : 0;
            int n = Math.max(p.size(), g.size());
            double[][] f1 = new double[n][n]; // padded with zeros
            for (int i = 0; i < g.size(); i++) {
                for (int j = 0; j < p.size(); j++) {
                    f1[i][j] = spanF1(bag(p.get(j)), bag(g.get(i)));
                }
            }
            double best = 0;
            for (int[] perm : permutations(n)) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += f1[i][perm[i]];
                }
                best = Math.max(best, sum);
            }
            double mean = best / n;
            double rounded = new BigDecimal(mean * 100).setScale(0, java.math.RoundingMode.HALF_EVEN).doubleValue()
                    / 100;
            return new double[] {em, rounded};
        }

        static String normalize(String text) {
            List<String> parts = new ArrayList<>();
            for (String token : text.split("[ -]", -1)) {
                String t = token.toLowerCase(java.util.Locale.ROOT);
                if (!NUMBER.matcher(t).matches()) {
                    t = t.replaceAll("\\p{Punct}", "");
                }
                if (NUMBER.matcher(t).matches()) {
                    double d = Double.parseDouble(t);
                    t = d == Math.rint(d) ? (long) d + ".0" : Double.toString(d);
                }
                t = t.replaceAll("\\b(a|an|the)\\b", " ").trim().replaceAll("\\s+", " ");
                if (!t.isEmpty()) {
                    parts.add(t);
                }
            }
            return String.join(" ", parts);
        }

        static Set<String> bag(String normalized) {
            return normalized.isEmpty() ? Set.of() : new HashSet<>(Arrays.asList(normalized.split(" ")));
        }

        static double spanF1(Set<String> predicted, Set<String> gold) {
            Set<String> goldNumbers = new HashSet<>();
            gold.stream().filter(w -> NUMBER.matcher(w).matches()).forEach(goldNumbers::add);
            if (!goldNumbers.isEmpty() && predicted.stream().noneMatch(goldNumbers::contains)) {
                return 0;
            }
            Set<String> common = new HashSet<>(gold);
            common.retainAll(predicted);
            double precision = predicted.isEmpty() ? 1 : common.size() / (double) predicted.size();
            double recall = gold.isEmpty() ? 1 : common.size() / (double) gold.size();
            return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }

        static List<int[]> permutations(int n) {
            List<int[]> out = new ArrayList<>();
            permute(new int[n], new boolean[n], 0, out);
            return out;
        }

        private static void permute(int[] current, boolean[] used, int k, List<int[]> out) {
            if (k == current.length) {
                out.add(current.clone());
                return;
            }
            for (int i = 0; i < current.length; i++) {
                if (!used[i]) {
                    used[i] = true;
                    current[k] = i;
                    permute(current, used, k + 1, out);
                    used[i] = false;
                }
            }
        }
    }
}

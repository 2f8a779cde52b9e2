package dev.mhcspark.datasets.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DROP exact match and F1 with the official semantics (allennlp-reading-comprehension {@code drop_eval.py}).
 *
 * <ul>
 *   <li>An answer is a list of spans; each span is {@linkplain DropAnswerNormalizer normalised}, and its
 *       whitespace-separated tokens form a set (a "bag").</li>
 *   <li><b>EM</b> is 1 when the predicted and gold normalised spans are equal as sets and equal in number. (The
 *       official {@code set(p) == set(g) and len(p) == len(g)}: it only differs from multiset equality for lists with
 *       repeated spans, e.g. {@code [x, x, y]} vs {@code [x, y, y]}, which count as equal.)</li>
 *   <li><b>F1</b> of a predicted span against a gold span is the F1 of their token sets (precision 1 for an empty
 *       prediction, recall 1 for an empty gold span), and 0 when the gold span has number tokens and the predicted one
 *       shares none of them. Spans are aligned one to one by an optimal assignment ({@link SpanAlignment}); the F1 of
 *       the answer is the mean over {@code max(#gold, #predicted)} positions (unaligned positions count 0), computed
 *       as numpy does ({@link #numpyMean}), then rounded to 2 decimals as {@code round(numpy.float64, 2)} does:
 *       {@code rint(x * 100) / 100}.</li>
 *   <li>The score of a question is the maximum EM and the maximum F1 over its gold answers (main answer and
 *       validated answers), skipping gold answers whose first string is blank.</li>
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class DropScorer {
    private DropScorer() {
    }

    /** The official {@code get_metrics(predicted, gold)}. */
    public static DropScore score(List<String> predicted, List<String> gold) {
        return score(Bags.of(predicted), Bags.of(gold));
    }

    /**
     * The score of one question: the maxima over {@code goldAnswers}, as the official {@code evaluate_json} computes
     * them, with the answer type it reports (type of the last gold answer that reached a maximum; {@code "none"} when
     * every gold answer is blank, in which case EM and F1 are 0).
     */
    public static DropScore scoreQuestion(List<String> predicted, List<DropAnswer> goldAnswers) {
        Bags predictedBags = Bags.of(predicted);
        double maxEm = 0;
        double maxF1 = 0;
        String type = DropScore.NO_TYPE;
        Map<List<String>, DropScore> seen = goldAnswers.size() > 1 ? new HashMap<>() : null;
        for (DropAnswer answer : goldAnswers) {
            List<String> gold = answer.strings();
            if (PythonStrings.isBlank(gold.get(0))) {
                continue; // the official evaluator ignores such gold answers
            }
            DropScore s = seen == null ? null : seen.get(gold);
            if (s == null) {
                s = score(predictedBags, Bags.of(gold));
                if (seen != null) {
                    seen.put(gold, s);
                }
            }
            maxEm = Math.max(maxEm, s.exactMatch());
            maxF1 = Math.max(maxF1, s.f1());
            if (maxEm == s.exactMatch() || maxF1 == s.f1()) {
                type = answer.type();
            }
        }
        return new DropScore(maxEm, maxF1, type);
    }

    private static DropScore score(Bags predicted, Bags gold) {
        double em = predicted.spans.length == gold.spans.length
                && predicted.spanSet().equals(gold.spanSet()) ? 1.0 : 0.0;
        int rows = gold.spans.length;
        int columns = predicted.spans.length;
        double[][] scores = new double[rows][columns];
        int[][] denominators = new int[rows][columns];
        for (int g = 0; g < rows; g++) {
            for (int p = 0; p < columns; p++) {
                if (matchNumbersIfPresent(gold, g, predicted, p)) {
                    String[] goldBag = gold.bags[g];
                    String[] predictedBag = predicted.bags[p];
                    int intersection = intersection(goldBag, predictedBag);
                    double f1 = f1(intersection, predictedBag.length, goldBag.length);
                    scores[g][p] = f1;
                    if (f1 > 0 && f1 < 1) {
                        denominators[g][p] = predictedBag.length + goldBag.length;
                    }
                }
            }
        }
        double[] perPosition = SpanAlignment.maxScores(scores, denominators, columns);
        return new DropScore(em, roundLikeNumpy(numpyMean(perPosition)), DropScore.NO_TYPE);
    }

    /** The official {@code _compute_f1}, in the same floating-point operations. */
    private static double f1(int intersection, int predictedSize, int goldSize) {
        double precision = predictedSize == 0 ? 1.0 : intersection / (double) predictedSize;
        double recall = goldSize == 0 ? 1.0 : intersection / (double) goldSize;
        return precision == 0.0 && recall == 0.0 ? 0.0 : 2 * precision * recall / (precision + recall);
    }

    private static boolean matchNumbersIfPresent(Bags gold, int g, Bags predicted, int p) {
        String[] goldNumbers = gold.numbers[g];
        if (goldNumbers.length == 0) {
            return true;
        }
        return intersection(goldNumbers, predicted.numbers[p]) > 0;
    }

    private static int intersection(String[] a, String[] b) {
        int count = 0;
        for (String x : a) {
            for (String y : b) {
                if (x.equals(y)) {
                    count++;
                    break;
                }
            }
        }
        return count;
    }

    /**
     * {@code numpy.mean} of a float64 vector: numpy's pairwise summation (sequential below 8 elements, 8 partial sums
     * up to 128, recursive halves above) starting from the additive identity, then one division.
     */
    static double numpyMean(double[] values) {
        return values.length == 0 ? Double.NaN : (0.0 + pairwiseSum(values, 0, values.length)) / values.length;
    }

    private static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = -0.0;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= 128) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = a[from + j];
            }
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
    }

    /** {@code round(numpy.float64(x), 2)}, which is {@code numpy.round}: {@code rint(x * 100) / 100}. */
    static double roundLikeNumpy(double x) {
        return Math.rint(x * 100.0) / 100.0;
    }

    /** The official {@code _answer_to_bags}: normalised spans, their token sets, and the number tokens of each. */
    static final class Bags {
        final String[] spans;
        final String[][] bags;
        final String[][] numbers;
        private Set<String> spanSet;

        private Bags(String[] spans, String[][] bags, String[][] numbers) {
            this.spans = spans;
            this.bags = bags;
            this.numbers = numbers;
        }

        static Bags of(List<String> rawSpans) {
            int n = rawSpans.size();
            String[] spans = new String[n];
            String[][] bags = new String[n][];
            String[][] numbers = new String[n][];
            for (int i = 0; i < n; i++) {
                spans[i] = DropAnswerNormalizer.normalize(rawSpans.get(i));
                bags[i] = distinctTokens(spans[i]);
                numbers[i] = numberTokens(bags[i]);
            }
            return new Bags(spans, bags, numbers);
        }

        Set<String> spanSet() {
            if (spanSet == null) {
                spanSet = new HashSet<>(Arrays.asList(spans));
            }
            return spanSet;
        }

        /** {@code set(normalized.split())}; a normalised span has single spaces only. */
        private static String[] distinctTokens(String normalized) {
            if (normalized.isEmpty()) {
                return new String[0];
            }
            String[] tokens = normalized.split(" ");
            if (tokens.length == 1) {
                return tokens;
            }
            List<String> distinct = new ArrayList<>(tokens.length);
            for (String t : tokens) {
                if (!distinct.contains(t)) {
                    distinct.add(t);
                }
            }
            return distinct.toArray(new String[0]);
        }

        private static String[] numberTokens(String[] bag) {
            int count = 0;
            for (String t : bag) {
                if (PythonFloat.isNumber(t)) {
                    count++;
                }
            }
            if (count == 0) {
                return new String[0];
            }
            String[] out = new String[count];
            int k = 0;
            for (String t : bag) {
                if (PythonFloat.isNumber(t)) {
                    out[k++] = t;
                }
            }
            return out;
        }
    }
}

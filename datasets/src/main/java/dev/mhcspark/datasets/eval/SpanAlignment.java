package dev.mhcspark.datasets.eval;

import java.util.HashSet;
import java.util.Set;
import org.jgrapht.alg.interfaces.MatchingAlgorithm;
import org.jgrapht.alg.matching.KuhnMunkresMinimalWeightBipartitePerfectMatching;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleWeightedGraph;

/**
 * The optimal one-to-one alignment of gold spans (rows) to predicted spans (columns) that maximises the summed F1,
 * as {@code scipy.optimize.linear_sum_assignment} finds it in the official DROP evaluator's {@code _align_bags}.
 *
 * <p>A single row or column needs no search (the best cell); larger matrices go to JGraphT's Kuhn-Munkres
 * (Hungarian) algorithm on the square matrix padded with zero-score dummies. That implementation tests reduced
 * costs for exact zero, so it is given exact integer costs: every F1 here is 0, 1 or {@code 2i/(|P|+|G|)}, scaled
 * by the least common multiple of the denominators (or, if that exceeds 2^40, rounded on a 2^-40 grid, far finer
 * than the 2-decimal rounding of the result).
 */
final class SpanAlignment {
    private static final long MAX_SCALE = 1L << 40;

    private SpanAlignment() {
    }

    /**
     * The official {@code max_scores}: for each gold row, the score of the predicted span aligned to it (0 when none),
     * padded with zeros to {@code max(rows, columns)}.
     *
     * @param scores    {@code scores[g][p]}, each in [0, 1]
     * @param denominators {@code denominators[g][p]}: the exact denominator of the rational score (|P| + |G|), or 0
     *                  when the score is 0 or 1
     */
    static double[] maxScores(double[][] scores, int[][] denominators, int columns) {
        int rows = scores.length;
        double[] best = new double[Math.max(rows, columns)];
        if (rows == 0 || columns == 0) {
            return best;
        }
        if (rows == 1) {
            double max = 0;
            for (int p = 0; p < columns; p++) {
                max = Math.max(max, scores[0][p]);
            }
            best[0] = max;
            return best;
        }
        if (columns == 1) {
            int arg = 0;
            for (int g = 1; g < rows; g++) {
                if (scores[g][0] > scores[arg][0]) {
                    arg = g;
                }
            }
            best[arg] = scores[arg][0];
            return best;
        }
        int[] assignment = assign(scores, denominators, columns);
        for (int g = 0; g < rows; g++) {
            if (assignment[g] >= 0) {
                best[g] = scores[g][assignment[g]];
            }
        }
        return best;
    }

    /** For each row, its column in an optimal assignment, or -1 (more rows than columns). */
    private static int[] assign(double[][] scores, int[][] denominators, int columns) {
        int rows = scores.length;
        int n = Math.max(rows, columns);
        long scale = 1;
        for (int g = 0; g < rows && scale > 0; g++) {
            for (int p = 0; p < columns; p++) {
                int d = denominators[g][p];
                if (d > 0) {
                    scale = lcm(scale, d);
                    if (scale > MAX_SCALE) {
                        scale = -1;
                        break;
                    }
                }
            }
        }
        SimpleWeightedGraph<Integer, DefaultWeightedEdge> graph = new SimpleWeightedGraph<>(DefaultWeightedEdge.class);
        Set<Integer> gold = new HashSet<>();
        Set<Integer> predicted = new HashSet<>();
        for (int i = 0; i < n; i++) {
            graph.addVertex(i);
            gold.add(i);
            graph.addVertex(n + i);
            predicted.add(n + i);
        }
        double unit = scale > 0 ? scale : MAX_SCALE;
        for (int g = 0; g < n; g++) {
            for (int p = 0; p < n; p++) {
                double units = 0; // dummy rows and columns score 0
                if (g < rows && p < columns) {
                    int d = denominators[g][p];
                    units = scale > 0 && d > 0 ? Math.round(scores[g][p] * d) * (double) (scale / d)
                            : Math.rint(scores[g][p] * unit);
                }
                DefaultWeightedEdge e = graph.addEdge(g, n + p);
                graph.setEdgeWeight(e, unit - units); // non-negative cost; minimum cost = maximum total score
            }
        }
        MatchingAlgorithm.Matching<Integer, DefaultWeightedEdge> matching =
                new KuhnMunkresMinimalWeightBipartitePerfectMatching<>(graph, gold, predicted).getMatching();
        int[] assignment = new int[rows];
        java.util.Arrays.fill(assignment, -1);
        for (DefaultWeightedEdge e : matching.getEdges()) {
            int a = graph.getEdgeSource(e);
            int b = graph.getEdgeTarget(e);
            int g = Math.min(a, b);
            int p = Math.max(a, b) - n;
            if (g < rows && p < columns) {
                assignment[g] = p;
            }
        }
        return assignment;
    }

    private static long lcm(long a, long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            long t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }
}

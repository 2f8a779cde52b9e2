package dev.mhcspark.datasets.eval;

/**
 * Exact match (0 or 1) and F1 (in [0, 1], rounded to 2 decimals) of one DROP prediction, with the answer type of
 * the gold answer it was scored against: {@code number}, {@code span}, {@code spans}, {@code date}, or
 * {@value #NO_TYPE} (no gold answer, or every gold answer blank).
 */
public record DropScore(double exactMatch, double f1, String type) {
    public static final String NO_TYPE = "none";
}

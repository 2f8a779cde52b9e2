package dev.mhcspark.datasets.eval;

/**
 * Totals of one task (BBH task, DROP answer type) or of all examples: how many, how many exactly right, and the mean
 * F1 (DROP; NaN for BBH), computed as the official evaluator's {@code numpy.mean} of the per-question F1 values.
 */
public record TaskScore(String task, long examples, long exactMatches, double f1) {
    /** Fraction of exact matches (BBH accuracy, DROP EM). */
    public double exactMatch() {
        return examples == 0 ? Double.NaN : exactMatches / (double) examples;
    }
}

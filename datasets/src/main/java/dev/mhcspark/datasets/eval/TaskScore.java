package dev.mhcspark.datasets.eval;

/**
 * Totals of one task (BBH) or answer type (DROP): examples, exact matches and the sum of F1 (DROP only; 0 for BBH).
 */
public record TaskScore(String task, long examples, long exactMatches, double f1Sum) {
    /** Fraction of exact matches (BBH accuracy, DROP EM). */
    public double exactMatch() {
        return examples == 0 ? Double.NaN : exactMatches / (double) examples;
    }

    /** Mean F1 (DROP). */
    public double f1() {
        return examples == 0 ? Double.NaN : f1Sum / examples;
    }
}

package dev.mhcspark.datasets.eval;

/** A prediction line that could not be scored: its 1-based line number and what was wrong with it. */
public record InvalidLine(long line, String error) {
}

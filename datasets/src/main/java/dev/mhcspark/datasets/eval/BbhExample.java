package dev.mhcspark.datasets.eval;

import java.util.Objects;

/** One BBH example: the question text and the target answer. */
public record BbhExample(String input, String target) {
    public BbhExample {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
    }
}

package dev.mhcspark.datasets.eval;

import java.util.Objects;

/**
 * One worked example of a BBH chain-of-thought prompt: the question (after {@code Q: }), the reasoning (after
 * {@code A: }, ending with "So the answer is X.") and the answer X it arrives at.
 */
public record BbhExemplar(String question, String reasoning, String answer) {
    public BbhExemplar {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(reasoning, "reasoning");
        Objects.requireNonNull(answer, "answer");
    }
}

package dev.mhcspark.datasets.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One DROP question ({@code qa_pairs} entry): its id, text, main answer and the validated answers of other
 * annotators. Immutable.
 */
public record DropQuestion(String queryId, String question, DropAnswer answer, List<DropAnswer> validatedAnswers) {
    public DropQuestion {
        Objects.requireNonNull(queryId, "queryId");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(answer, "answer");
        validatedAnswers = List.copyOf(validatedAnswers);
    }

    /** The answers a prediction is scored against: the main answer, then the validated answers. */
    public List<DropAnswer> goldAnswers() {
        List<DropAnswer> all = new ArrayList<>(1 + validatedAnswers.size());
        all.add(answer);
        all.addAll(validatedAnswers);
        return all;
    }
}

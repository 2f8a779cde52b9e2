package dev.mhcspark.datasets.eval;

import java.util.List;
import java.util.Objects;

/** One DROP passage with its questions. Immutable. */
public record DropPassage(String id, String passage, List<DropQuestion> questions) {
    public DropPassage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(passage, "passage");
        questions = List.copyOf(questions);
    }
}

package dev.mhcspark.jobs;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One prompt as the executors get it: its id, its text, and for log-likelihood ranking the answer options (each
 * scored as the continuation {@code " " + option}); null options when generating.
 */
record EvalItem(String promptId, String prompt, List<String> options) implements Serializable {
    EvalItem {
        Objects.requireNonNull(promptId, "promptId");
        Objects.requireNonNull(prompt, "prompt");
        options = options == null ? null : List.copyOf(options);
    }
}

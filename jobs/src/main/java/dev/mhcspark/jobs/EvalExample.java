package dev.mhcspark.jobs;

import dev.mhcspark.datasets.eval.DropQuestion;
import java.util.Objects;

/**
 * One question on the driver: the prompt the executors get, plus what it is scored against.
 *
 * @param task     BBH task (DROP: {@code drop}; its examples are grouped by answer type when scored)
 * @param target   BBH target; DROP: the main gold answer as a shot would write it
 * @param question DROP: the question with all its gold answers; null for BBH
 */
record EvalExample(EvalItem item, String task, String target, DropQuestion question) {
    EvalExample {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(target, "target");
    }
}

package dev.mhcspark.jobs;

import dev.mhcspark.datasets.eval.BbhMode;
import java.util.Locale;

/**
 * How a model answers: chain-of-thought generation ({@code cot}), answer-only generation ({@code direct}), or
 * ranking the answer options by their likelihood ({@code loglik}, multiple-choice BBH tasks; nothing is generated).
 */
enum EvalMode {
    COT, DIRECT, LOGLIK;

    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean generates() {
        return this != LOGLIK;
    }

    /** How BBH extracts the answer from a generation in this mode. */
    BbhMode bbhMode() {
        return this == COT ? BbhMode.COT : BbhMode.DIRECT;
    }
}

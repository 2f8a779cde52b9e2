package dev.mhcspark.datasets.eval;

import java.util.Locale;

/** The benchmarks {@link PredictionFileScorer} scores. */
public enum ScoreSuite {
    /** BIG-Bench Hard: exact match per task ({@link BbhExactMatch}). */
    BBH,
    /** DROP: official EM and F1 ({@link DropScorer}), grouped by answer type. */
    DROP;

    /** {@code bbh} or {@code drop}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ScoreSuite parse(String text) {
        for (ScoreSuite s : values()) {
            if (s.id().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("suite: unknown value '" + text + "'; expected bbh or drop");
    }
}

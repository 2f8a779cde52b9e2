package dev.mhcspark.datasets.eval;

import java.util.Locale;

/** How BBH outputs were produced: chain-of-thought ({@code cot}) or answer only ({@code direct}). */
public enum BbhMode {
    COT, DIRECT;

    /** {@code cot} or {@code direct}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BbhMode parse(String text) {
        for (BbhMode m : values()) {
            if (m.id().equals(text)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode: unknown value '" + text + "'; expected cot or direct");
    }
}

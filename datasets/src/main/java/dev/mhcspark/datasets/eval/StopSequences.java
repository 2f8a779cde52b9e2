package dev.mhcspark.datasets.eval;

import java.util.List;

/**
 * Where generated text ends: at the first occurrence of any of the stop sequences. The prediction is the text
 * before it. Stateless.
 */
public final class StopSequences {
    /** BBH chain of thought: the reasoning ends at a blank line, or where the model starts the next question. */
    public static final List<String> BBH_COT = List.of("\n\n", "\nQ:");
    /** Answers on one line: BBH answer-only prompts and DROP. */
    public static final List<String> ONE_LINE = List.of("\n");

    private StopSequences() {
    }

    /** The index in {@code text} of the earliest stop sequence, or -1 when none occurs. */
    public static int find(String text, List<String> stops) {
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** {@code text} up to the earliest stop sequence (all of it when none occurs). */
    public static String cut(String text, List<String> stops) {
        int at = find(text, stops);
        return at < 0 ? text : text.substring(0, at);
    }
}

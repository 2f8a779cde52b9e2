package dev.mhcspark.datasets.eval;

/**
 * BIG-Bench Hard exact match. The answer of an output is, for chain-of-thought outputs, the text after the first
 * {@value #COT_MARKER} (case-sensitive, as the official 3-shot prompts end their reasoning with "So the answer is
 * X."), or the whole output when the marker is absent; for direct outputs the whole output. That text is stripped of
 * surrounding whitespace (Python's {@code str.strip()}), then of one trailing period. The output is correct when the
 * answer equals the target string exactly.
 *
 * <p>Everything after the marker counts: a generation that runs on past its answer (into a next "Q:") is wrong, so
 * stop generation at a blank line. Stateless.
 */
public final class BbhExactMatch {
    public static final String COT_MARKER = "the answer is ";

    private BbhExactMatch() {
    }

    /** The answer a model gave in {@code output}. */
    public static String extractAnswer(String output, BbhMode mode) {
        String text = output;
        if (mode == BbhMode.COT) {
            int at = output.indexOf(COT_MARKER);
            if (at >= 0) {
                text = output.substring(at + COT_MARKER.length());
            }
        }
        text = PythonStrings.strip(text);
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }

    public static boolean isCorrect(String output, String target, BbhMode mode) {
        return extractAnswer(output, mode).equals(target);
    }
}

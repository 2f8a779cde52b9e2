package dev.mhcspark.datasets.eval;

import java.util.List;
import java.util.Objects;

/**
 * One BIG-Bench Hard task as the official repository ships it: the examples of {@code tasks/<name>.json} and the
 * 3-shot chain-of-thought prompt of {@code cot-prompts/<name>.txt} (the text after its canary and {@code -----}
 * lines), parsed into the task description and the three worked exemplars. Immutable.
 */
public final class BbhTask {
    /** What the BBH paper's chain-of-thought prompts put after the question. */
    public static final String COT_ANSWER_PREFIX = "A: Let's think step by step.";

    private final String name;
    private final List<BbhExample> examples;
    private final String cotPrompt;
    private final String description;
    private final List<BbhExemplar> exemplars;

    public BbhTask(String name, List<BbhExample> examples, String cotPrompt, String description,
            List<BbhExemplar> exemplars) {
        this.name = Objects.requireNonNull(name, "name");
        this.examples = List.copyOf(examples);
        this.cotPrompt = Objects.requireNonNull(cotPrompt, "cotPrompt");
        this.description = Objects.requireNonNull(description, "description");
        this.exemplars = List.copyOf(exemplars);
    }

    public String name() {
        return name;
    }

    public List<BbhExample> examples() {
        return examples;
    }

    /** The official 3-shot chain-of-thought prompt: description and three worked exemplars, as in the file. */
    public String cotPrompt() {
        return cotPrompt;
    }

    /** The task description (the prompt's first paragraph). */
    public String description() {
        return description;
    }

    /** The prompt's worked exemplars (three in every official prompt). */
    public List<BbhExemplar> exemplars() {
        return exemplars;
    }

    /**
     * The chain-of-thought prompt for one question, as in the BBH paper:
     * {@code <cot prompt>\n\nQ: <input>\nA: Let's think step by step.}
     */
    public String cotPromptFor(String input) {
        return cotPrompt + "\n\nQ: " + input + "\n" + COT_ANSWER_PREFIX;
    }

    /**
     * The answer-only prompt for one question: the description and the same three exemplars with their final
     * answers only ({@code Q: ...\nA: (B)}), then {@code Q: <input>\nA:}. The official repository has no separate
     * answer-only prompt files; the paper's answer-only prompting uses the same exemplars, so they are derived here.
     */
    public String directPromptFor(String input) {
        StringBuilder s = new StringBuilder(description);
        for (BbhExemplar e : exemplars) {
            s.append("\n\nQ: ").append(e.question()).append("\nA: ").append(e.answer());
        }
        return s.append("\n\nQ: ").append(input).append("\nA:").toString();
    }

    public String promptFor(String input, BbhMode mode) {
        return mode == BbhMode.COT ? cotPromptFor(input) : directPromptFor(input);
    }

    @Override
    public String toString() {
        return "BbhTask[" + name + ", " + examples.size() + " examples]";
    }
}

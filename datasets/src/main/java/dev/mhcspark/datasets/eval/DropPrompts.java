package dev.mhcspark.datasets.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * k-shot prompts for DROP: {@code Passage: ...\nQuestion: ...\nAnswer: ...} blocks separated by blank lines, ending
 * with the question to answer and {@code Answer:}. The shots are the first question of each of the first {@code k}
 * other passages of the same data set (never the passage asked about), with their main gold answer: numbers as
 * written, several spans joined by {@code ", "}, dates as {@code day month year} without the empty parts.
 * Stateless.
 */
public final class DropPrompts {
    private DropPrompts() {
    }

    /**
     * @throws IllegalArgumentException when {@code shots} is negative or the data set has fewer other passages
     */
    public static String prompt(DropDataset set, DropPassage passage, DropQuestion question, int shots) {
        if (shots < 0) {
            throw new IllegalArgumentException("--shots: must be >= 0, got " + shots);
        }
        List<String> blocks = new ArrayList<>();
        for (DropPassage other : set.passages()) {
            if (blocks.size() == shots) {
                break;
            }
            if (!other.id().equals(passage.id()) && !other.questions().isEmpty()) {
                DropQuestion q = other.questions().get(0);
                blocks.add(block(other.passage(), q.question()) + " " + answerText(q.answer()));
            }
        }
        if (blocks.size() < shots) {
            throw new IllegalArgumentException("--shots " + shots + ": " + set.source() + " has only "
                    + blocks.size() + " other passages with questions to take examples from");
        }
        blocks.add(block(passage.passage(), question.question()));
        return String.join("\n\n", blocks);
    }

    /** How a gold answer is written in a shot. */
    public static String answerText(DropAnswer answer) {
        if (answer.type().equals("date")) {
            return String.join(" ", answer.date().stream().filter(p -> !p.isEmpty()).toList());
        }
        return String.join(", ", answer.strings());
    }

    /** The answer in a model's output (cut at its stop sequence): the text without surrounding whitespace. */
    public static String extractAnswer(String output) {
        return PythonStrings.strip(output);
    }

    private static String block(String passage, String question) {
        return "Passage: " + passage + "\nQuestion: " + question + "\nAnswer:";
    }
}

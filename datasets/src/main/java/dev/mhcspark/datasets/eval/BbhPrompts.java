package dev.mhcspark.datasets.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Prompts for a model to answer BBH questions with {@code k} of the task's worked exemplars (the official prompts
 * have 3). With {@code k = 3} they are exactly {@link BbhTask#cotPromptFor} and {@link BbhTask#directPromptFor}.
 * Stateless.
 */
public final class BbhPrompts {
    private BbhPrompts() {
    }

    /** The most exemplars a prompt can have: the official prompts' three. */
    public static int maxShots(BbhTask task) {
        return task.exemplars().size();
    }

    /**
     * {@code <description>\n\nQ: <q1>\nA: <reasoning 1> ... \n\nQ: <input>\nA: Let's think step by step.}
     *
     * @throws IllegalArgumentException when {@code shots} is negative or more than the task has exemplars
     */
    public static String cot(BbhTask task, String input, int shots) {
        List<String> blocks = head(task, shots);
        for (BbhExemplar e : task.exemplars().subList(0, shots)) {
            blocks.add("Q: " + e.question() + "\nA: " + e.reasoning());
        }
        blocks.add("Q: " + input + "\n" + BbhTask.COT_ANSWER_PREFIX);
        return String.join("\n\n", blocks);
    }

    /** {@code <description>\n\nQ: <q1>\nA: <answer 1> ... \n\nQ: <input>\nA:}: answers only, no reasoning. */
    public static String direct(BbhTask task, String input, int shots) {
        List<String> blocks = head(task, shots);
        for (BbhExemplar e : task.exemplars().subList(0, shots)) {
            blocks.add("Q: " + e.question() + "\nA: " + e.answer());
        }
        blocks.add("Q: " + input + "\nA:");
        return String.join("\n\n", blocks);
    }

    private static List<String> head(BbhTask task, int shots) {
        if (shots < 0 || shots > maxShots(task)) {
            throw new IllegalArgumentException("--shots " + shots + ": task " + task.name() + " has "
                    + maxShots(task) + " worked exemplars in its prompt; allowed: 0.." + maxShots(task));
        }
        List<String> blocks = new ArrayList<>();
        if (!task.description().isEmpty()) {
            blocks.add(task.description());
        }
        return blocks;
    }
}

package dev.mhcspark.datasets.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer options of a multiple-choice BBH question, for ranking them by model likelihood. Found, in this order:
 * <ol>
 *   <li>lettered options listed in the input ({@code (A) ...} lines): the options are the labels {@code (A)},
 *       {@code (B)}, ..., as the targets are written (a question whose list was cut short in the official data,
 *       one of snarks, gets (A) up to the highest letter among its task's targets);</li>
 *   <li>dashed options after an {@code Options:} line ({@code - Yes}, {@code - valid}): the options are the
 *       texts;</li>
 *   <li>otherwise, when every target of the task is one of a known pair ({@code True}/{@code False},
 *       {@code Yes}/{@code No}, {@code yes}/{@code no}, {@code valid}/{@code invalid}): that pair.</li>
 * </ol>
 * Tasks with free-form answers (arithmetic, counting, word sorting, Dyck languages) have none. Stateless.
 */
public final class BbhOptions {
    private static final Pattern LETTERED = Pattern.compile("(?m)^\\(([A-Z])\\) ");
    private static final Pattern DASHED = Pattern.compile("(?m)^- (.+)$");
    private static final List<List<String>> PAIRS = List.of(List.of("True", "False"), List.of("Yes", "No"),
            List.of("yes", "no"), List.of("valid", "invalid"));

    private BbhOptions() {
    }

    /** The options of one question of {@code task}, or empty when they cannot be determined. */
    public static Optional<List<String>> of(BbhTask task, String input) {
        Set<String> lettered = new LinkedHashSet<>();
        Matcher m = LETTERED.matcher(input);
        while (m.find()) {
            lettered.add("(" + m.group(1) + ")");
        }
        if (lettered.size() >= 2) {
            return Optional.of(List.copyOf(lettered));
        }
        if (lettered.size() == 1) {
            return letteredTargetsOf(task);
        }
        int options = input.indexOf("Options:");
        if (options >= 0) {
            Set<String> dashed = new LinkedHashSet<>();
            Matcher d = DASHED.matcher(input.substring(options));
            while (d.find()) {
                dashed.add(d.group(1).strip());
            }
            if (dashed.size() >= 2) {
                return Optional.of(List.copyOf(dashed));
            }
        }
        return pairOf(task);
    }

    /** Whether every question of the task has options. */
    public static boolean available(BbhTask task) {
        return !task.examples().isEmpty() && task.examples().stream().allMatch(e -> of(task, e.input()).isPresent());
    }

    /** (A) up to the highest letter among the task's targets; for a question whose option list is cut short. */
    private static Optional<List<String>> letteredTargetsOf(BbhTask task) {
        char highest = 0;
        for (BbhExample e : task.examples()) {
            String t = e.target();
            if (t.length() == 3 && t.charAt(0) == '(' && t.charAt(2) == ')' && t.charAt(1) >= 'A' && t.charAt(1) <= 'Z') {
                highest = (char) Math.max(highest, t.charAt(1));
            }
        }
        if (highest < 'B') {
            return Optional.empty();
        }
        List<String> letters = new ArrayList<>();
        for (char c = 'A'; c <= highest; c++) {
            letters.add("(" + c + ")");
        }
        return Optional.of(letters);
    }

    private static Optional<List<String>> pairOf(BbhTask task) {
        Set<String> targets = new LinkedHashSet<>();
        task.examples().forEach(e -> targets.add(e.target()));
        for (List<String> pair : PAIRS) {
            if (!targets.isEmpty() && pair.containsAll(targets)) {
                return Optional.of(new ArrayList<>(pair));
            }
        }
        return Optional.empty();
    }
}

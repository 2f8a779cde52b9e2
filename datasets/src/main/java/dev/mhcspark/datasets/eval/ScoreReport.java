package dev.mhcspark.datasets.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The scores of one prediction file: per task (BBH task, or DROP answer type), micro averages (over all examples:
 * the official DROP global EM/F1, BBH overall accuracy) and macro averages (the mean of the per-task figures), plus
 * the lines skipped as invalid. All scores are fractions in [0, 1] (the official DROP script prints them x100).
 * Immutable.
 *
 * <p>JSON ({@link #toJson()}):
 * <pre>
 * BBH:  {"suite": "bbh", "mode": "cot", "predictions": FILE, "examples": N, "skipped_lines": K,
 *        "tasks": {"boolean_expressions": {"examples": n, "correct": c, "exact_match": c/n}, ...},
 *        "micro": {"examples": N, "correct": C, "exact_match": C/N},
 *        "macro": {"tasks": T, "exact_match": mean of the tasks' exact_match},
 *        "invalid_lines": [{"line": 7, "error": "..."}, ...]}           (only when K > 0; the first 20)
 * DROP: {"suite": "drop", "predictions": FILE, "examples": N, "skipped_lines": K,
 *        "tasks": {"date": {"examples": n, "em": .., "f1": ..}, "number": ..., "span": ..., "spans": ...},
 *        "micro": {"examples": N, "em": .., "f1": ..}, "macro": {"tasks": T, "em": .., "f1": ..}, ...}
 * </pre>
 */
public final class ScoreReport {
    /** How many invalid lines the report lists (all are counted). */
    public static final int LISTED_INVALID_LINES = 20;

    private final ScoreSuite suite;
    private final BbhMode mode;
    private final String source;
    private final List<TaskScore> tasks;
    private final TaskScore micro;
    private final long skippedLines;
    private final List<InvalidLine> invalidLines;

    /**
     * @param mode         the BBH mode, null for DROP
     * @param micro        all examples together
     * @param invalidLines the first invalid lines (at most {@link #LISTED_INVALID_LINES} are kept)
     */
    public ScoreReport(ScoreSuite suite, BbhMode mode, String source, List<TaskScore> tasks, TaskScore micro,
            long skippedLines, List<InvalidLine> invalidLines) {
        this.suite = Objects.requireNonNull(suite, "suite");
        this.mode = suite == ScoreSuite.BBH ? Objects.requireNonNull(mode, "mode") : null;
        this.source = Objects.requireNonNull(source, "source");
        List<TaskScore> sorted = new ArrayList<>(tasks);
        sorted.sort(Comparator.comparing(TaskScore::task));
        this.tasks = List.copyOf(sorted);
        this.micro = Objects.requireNonNull(micro, "micro");
        this.skippedLines = skippedLines;
        this.invalidLines = List.copyOf(invalidLines.subList(0, Math.min(invalidLines.size(), LISTED_INVALID_LINES)));
    }

    public ScoreSuite suite() {
        return suite;
    }

    /** The BBH mode; null for DROP. */
    public BbhMode mode() {
        return mode;
    }

    public String source() {
        return source;
    }

    /** Per task (BBH) or answer type (DROP), sorted by name. */
    public List<TaskScore> tasks() {
        return tasks;
    }

    public TaskScore task(String name) {
        return tasks.stream().filter(t -> t.task().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task '" + name + "' in this report"));
    }

    public long skippedLines() {
        return skippedLines;
    }

    public List<InvalidLine> invalidLines() {
        return invalidLines;
    }

    /** All examples together (DROP: the official global EM and F1). */
    public TaskScore micro() {
        return micro;
    }

    /** Mean over tasks of their exact-match fraction. */
    public double macroExactMatch() {
        return tasks.stream().mapToDouble(TaskScore::exactMatch).average().orElse(Double.NaN);
    }

    /** Mean over tasks (answer types) of their mean F1 (DROP). */
    public double macroF1() {
        return tasks.stream().mapToDouble(TaskScore::f1).average().orElse(Double.NaN);
    }

    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("suite", suite.id());
        if (mode != null) {
            o.put("mode", mode.id());
        }
        o.put("predictions", source);
        o.put("examples", micro.examples());
        o.put("skipped_lines", skippedLines);
        ObjectNode byTask = o.putObject("tasks");
        for (TaskScore t : tasks) {
            put(byTask.putObject(t.task()), t);
        }
        put(o.putObject("micro"), micro);
        ObjectNode macro = o.putObject("macro");
        macro.put("tasks", tasks.size());
        if (suite == ScoreSuite.BBH) {
            macro.put("exact_match", macroExactMatch());
        } else {
            macro.put("em", macroExactMatch());
            macro.put("f1", macroF1());
        }
        if (!invalidLines.isEmpty()) {
            var list = o.putArray("invalid_lines");
            for (InvalidLine l : invalidLines) {
                list.addObject().put("line", l.line()).put("error", l.error());
            }
        }
        return o;
    }

    private void put(ObjectNode o, TaskScore t) {
        o.put("examples", t.examples());
        if (suite == ScoreSuite.BBH) {
            o.put("correct", t.exactMatches());
            o.put("exact_match", t.exactMatch());
        } else {
            o.put("em", t.exactMatch());
            o.put("f1", t.f1());
        }
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}

package dev.mhcspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The table of {@code mhc eval compare}: one row per benchmark figure, one column per model run, like Table 4 of
 * the mHC paper. Figures are percentages: BBH exact match averaged over the tasks run (macro, as BBH reports it),
 * DROP F1 and EM over all questions (micro, as the official evaluator reports them).
 */
final class EvalCompare {
    private EvalCompare() {
    }

    /** One figure of one evaluation. */
    private record Cell(String row, String column, double value, long examples, String source) {
    }

    /** The markdown table of the evaluations in {@code dirs}, with notes on rows that are not like for like. */
    static String table(List<String> dirs, Configuration hadoop) {
        List<Cell> cells = new ArrayList<>();
        for (String dir : dirs) {
            cells.addAll(cells(dir, hadoop));
        }
        Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        for (Cell c : cells) {
            if (!columns.contains(c.column())) {
                columns.add(c.column());
            }
            Cell previous = rows.computeIfAbsent(c.row(), r -> new LinkedHashMap<>()).putIfAbsent(c.column(), c);
            if (previous != null) {
                throw new IllegalArgumentException(c.source() + " and " + previous.source() + ": both evaluate "
                        + c.column() + " on '" + c.row() + "'; give one evaluation per run and benchmark");
            }
        }
        StringBuilder s = new StringBuilder("| benchmark |");
        columns.forEach(c -> s.append(' ').append(c).append(" |"));
        s.append("\n|---|");
        columns.forEach(c -> s.append("---:|"));
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, Map<String, Cell>> row : rows.entrySet()) {
            s.append("\n| ").append(row.getKey()).append(" |");
            Map<Long, List<String>> sizes = new TreeMap<>();
            for (String column : columns) {
                Cell c = row.getValue().get(column);
                s.append(' ').append(c == null ? "-" : String.format(Locale.ROOT, "%.1f", 100 * c.value()))
                        .append(" |");
                if (c != null) {
                    sizes.computeIfAbsent(c.examples(), k -> new ArrayList<>()).add(column);
                }
            }
            if (sizes.size() > 1) {
                notes.add("note: '" + row.getKey() + "' was measured on different numbers of examples: " + sizes);
            }
        }
        s.append('\n');
        notes.forEach(n -> s.append(n).append('\n'));
        return s.toString();
    }

    private static List<Cell> cells(String dir, Configuration hadoop) {
        FileSystem fs = HadoopPaths.fileSystem("eval directory", dir, hadoop);
        Path file = new Path(dir, "summary.json");
        try {
            if (!fs.exists(file) || !fs.getFileStatus(file).isFile()) {
                throw new IllegalArgumentException(dir + ": no summary.json; expected the --out directory of an mhc "
                        + "eval run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": " + e.getMessage(), e);
        }
        JsonNode s;
        try (InputStream in = fs.open(file)) {
            s = RunDirectory.JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        String suite = text(s, "suite", file);
        String mode = text(s, "mode", file);
        String column = text(s, "run_label", file) + " (" + text(s, "connection", file) + ")";
        long examples = number(s, "examples", file).asLong();
        JsonNode macro = number(s, "macro", file);
        JsonNode micro = number(s, "micro", file);
        String shots = number(s, "shots", file).asInt() + "-shot";
        List<Cell> cells = new ArrayList<>();
        if (suite.equals("bbh")) {
            String tasks = macro.path("tasks").asInt() + " tasks";
            cells.add(new Cell("BBH " + mode + ", " + shots + ": EM (mean of " + tasks + ")", column,
                    number(macro, "exact_match", file).asDouble(), examples, dir));
            if (mode.equals("loglik")) {
                cells.add(new Cell("BBH loglik per token, " + shots + ": EM (mean of " + tasks + ")", column,
                        number(macro, "exact_match_normalized", file).asDouble(), examples, dir));
            }
        } else if (suite.equals("drop")) {
            cells.add(new Cell("DROP " + shots + ": F1", column, number(micro, "f1", file).asDouble(), examples, dir));
            cells.add(new Cell("DROP " + shots + ": EM", column, number(micro, "em", file).asDouble(), examples, dir));
        } else {
            throw new IllegalArgumentException(file + ": suite '" + suite + "'; expected bbh or drop");
        }
        return cells;
    }

    private static String text(JsonNode s, String field, Path file) {
        JsonNode v = s.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(file + ": field '" + field + "' missing; not an mhc eval summary");
        }
        return v.textValue();
    }

    private static JsonNode number(JsonNode s, String field, Path file) {
        JsonNode v = s.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(file + ": field '" + field + "' missing; not an mhc eval summary");
        }
        return v;
    }
}

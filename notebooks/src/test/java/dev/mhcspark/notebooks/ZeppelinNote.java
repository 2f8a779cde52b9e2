package dev.mhcspark.notebooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.zeppelin.notebook.Note;
import org.apache.zeppelin.notebook.Paragraph;

/**
 * A {@code .zpln} note as Zeppelin 0.10 reads it: parsed by Zeppelin's own {@link Note#fromJson}, which also splits
 * each paragraph's {@code %interpreter} prefix from its script exactly as the server does.
 *
 * @param file       where the note was read from (named in every failure)
 * @param name       the note's name in Zeppelin
 * @param paragraphs in order; index 0 is the first paragraph
 */
record ZeppelinNote(Path file, String name, List<NoteParagraph> paragraphs) {
    /**
     * One paragraph.
     *
     * @param index       position in the note, from 0
     * @param title       the paragraph's title, or null
     * @param interpreter e.g. {@code spark}, {@code spark.sql}, {@code md}; a paragraph without a prefix gets the
     *                    note's default interpreter group, as in Zeppelin
     * @param script      the text after the prefix
     * @param chartColumns the result columns the paragraph's saved chart (config.results["0"].graph keys, groups and
     *                     values) refers to: index in the result -> column name; empty without a chart
     */
    record NoteParagraph(int index, String title, String interpreter, String script,
                         Map<Integer, String> chartColumns) {
        /** "paragraph 3 'Training loss' (%spark.sql)": how failures name a paragraph. */
        String describe() {
            return "paragraph " + index + (title == null ? "" : " '" + title + "'") + " (%" + interpreter + ")";
        }
    }

    static ZeppelinNote read(Path file) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read note " + file + ": " + e.getMessage(), e);
        }
        Note note;
        try {
            note = Note.fromJson(null, json);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a Zeppelin note: " + e.getMessage(), e);
        }
        if (note == null || note.getParagraphs() == null) {
            throw new IllegalArgumentException(file + ": not a Zeppelin note: no paragraphs");
        }
        String defaultGroup = note.getDefaultInterpreterGroup() == null ? "spark" : note.getDefaultInterpreterGroup();
        List<NoteParagraph> paragraphs = new ArrayList<>();
        for (Paragraph p : note.getParagraphs()) {
            String interpreter = p.getIntpText() == null || p.getIntpText().isBlank() ? defaultGroup : p.getIntpText();
            String script = p.getScriptText() == null ? "" : p.getScriptText();
            paragraphs.add(new NoteParagraph(paragraphs.size(), p.getTitle(), interpreter, script,
                    chartColumns(p.getConfig())));
        }
        return new ZeppelinNote(file, note.getName(), List.copyOf(paragraphs));
    }

    /** Zeppelin keeps a paragraph's chart in config.results."0".graph as {name, index} column references. */
    private static Map<Integer, String> chartColumns(Map<String, Object> config) {
        Map<Integer, String> columns = new TreeMap<>();
        if (config != null && config.get("results") instanceof Map<?, ?> results
                && results.get("0") instanceof Map<?, ?> first && first.get("graph") instanceof Map<?, ?> graph) {
            for (String role : List.of("keys", "groups", "values")) {
                if (graph.get(role) instanceof List<?> refs) {
                    for (Object ref : refs) {
                        Map<?, ?> column = (Map<?, ?>) ref;
                        columns.put(((Number) column.get("index")).intValue(), (String) column.get("name"));
                    }
                }
            }
        }
        return Map.copyOf(columns);
    }

    /** "note 'mhc-spark/runs' (notebooks/runs.zpln)". */
    String describe() {
        return "note '" + name + "' (" + file + ")";
    }
}

package dev.mhcspark.datasets.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The BIG-Bench Hard tasks in a directory of the official repository layout (github.com/suzgunmirac/BIG-Bench-Hard):
 * {@code tasks/<task>.json} ({@code {"canary": ..., "examples": [{"input", "target"}]}}) and
 * {@code cot-prompts/<task>.txt} (a canary line, a {@code -----} line, then the 3-shot prompt). Immutable; tasks are
 * read when asked for.
 */
public final class BbhTasks {
    /** The 27 tasks of BBH, in alphabetical order. */
    public static final List<String> NAMES = List.of("boolean_expressions", "causal_judgement",
            "date_understanding", "disambiguation_qa", "dyck_languages", "formal_fallacies", "geometric_shapes",
            "hyperbaton", "logical_deduction_five_objects", "logical_deduction_seven_objects",
            "logical_deduction_three_objects", "movie_recommendation", "multistep_arithmetic_two", "navigate",
            "object_counting", "penguins_in_a_table", "reasoning_about_colored_objects", "ruin_names",
            "salient_translation_error_detection", "snarks", "sports_understanding", "temporal_sequences",
            "tracking_shuffled_objects_five_objects", "tracking_shuffled_objects_seven_objects",
            "tracking_shuffled_objects_three_objects", "web_of_lies", "word_sorting");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EXEMPLAR_BREAK = Pattern.compile("\n\n(?=Q: )");

    private final Path dir;
    private final List<String> available;

    private BbhTasks(Path dir, List<String> available) {
        this.dir = dir;
        this.available = List.copyOf(available);
    }

    /**
     * Opens a BBH directory.
     *
     * @throws IllegalArgumentException when it lacks {@code tasks/} or {@code cot-prompts/}, or holds no task with
     *                                  both files
     */
    public static BbhTasks open(Path dir) {
        Path tasks = dir.resolve("tasks");
        Path prompts = dir.resolve("cot-prompts");
        String layout = "; expected the official BBH layout: tasks/<task>.json and cot-prompts/<task>.txt";
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": no such directory" + layout);
        }
        if (!Files.isDirectory(tasks)) {
            throw new IllegalArgumentException(tasks + ": no such directory" + layout);
        }
        if (!Files.isDirectory(prompts)) {
            throw new IllegalArgumentException(prompts + ": no such directory (a BBH directory without its "
                    + "chain-of-thought prompts)" + layout);
        }
        List<String> available = new ArrayList<>();
        for (String name : NAMES) {
            if (Files.isRegularFile(tasks.resolve(name + ".json"))) {
                available.add(name);
            }
        }
        if (available.isEmpty()) {
            throw new IllegalArgumentException(tasks + ": holds none of the 27 BBH task files (<task>.json, e.g. "
                    + "boolean_expressions.json)" + layout);
        }
        return new BbhTasks(dir, available);
    }

    public Path dir() {
        return dir;
    }

    /** The BBH tasks whose {@code tasks/<task>.json} is present, in alphabetical order. */
    public List<String> available() {
        return available;
    }

    /**
     * Reads one task and its prompt.
     *
     * @throws IllegalArgumentException for an unknown or absent task (listing the known ones), a missing prompt file,
     *                                  or a file not of the official shape (naming file, line and field)
     */
    public BbhTask load(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown BBH task '" + name + "'; known tasks: "
                    + String.join(", ", NAMES));
        }
        if (!available.contains(name)) {
            throw new IllegalArgumentException(dir.resolve("tasks").resolve(name + ".json") + ": no such file; tasks "
                    + "present in " + dir + ": " + String.join(", ", available));
        }
        List<BbhExample> examples = readExamples(dir.resolve("tasks").resolve(name + ".json"));
        Path promptFile = dir.resolve("cot-prompts").resolve(name + ".txt");
        if (!Files.isRegularFile(promptFile)) {
            throw new IllegalArgumentException(promptFile + ": no such file; every task needs its 3-shot "
                    + "chain-of-thought prompt in cot-prompts/<task>.txt (the official BBH layout)");
        }
        return parsePrompt(name, examples, read(promptFile), promptFile.toString());
    }

    /** Every available task. */
    public List<BbhTask> loadAll() {
        List<BbhTask> all = new ArrayList<>();
        available.forEach(n -> all.add(load(n)));
        return all;
    }

    private static List<BbhExample> readExamples(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ":" + e.getLocation().getLineNr() + ": not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        JsonNode examples = root == null ? null : root.get("examples");
        if (examples == null || !examples.isArray()) {
            throw new IllegalArgumentException(file + ": field 'examples' missing; expected {\"examples\": "
                    + "[{\"input\", \"target\"}, ...]}");
        }
        List<BbhExample> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            JsonNode e = examples.get(i);
            JsonNode input = e.get("input");
            JsonNode target = e.get("target");
            if (input == null || !input.isTextual() || target == null || !target.isTextual()) {
                throw new IllegalArgumentException(file + ": examples[" + i + "]: expected string fields 'input' "
                        + "and 'target', got " + DropAnswer.describe(e));
            }
            out.add(new BbhExample(input.textValue(), target.textValue()));
        }
        return out;
    }

    /** Parses an official prompt file: canary, {@code -----}, description, then {@code Q:}/{@code A:} exemplars. */
    static BbhTask parsePrompt(String name, List<BbhExample> examples, String fileText, String where) {
        String text = fileText.replace("\r\n", "\n");
        int separator = text.startsWith("-----\n") ? 0 : text.indexOf("\n-----\n");
        String prompt = (separator < 0 ? text : text.substring(text.indexOf("-----\n", separator) + 6)).strip();
        String[] blocks = EXEMPLAR_BREAK.split(prompt);
        String description = blocks[0].startsWith("Q: ") ? "" : blocks[0];
        List<BbhExemplar> exemplars = new ArrayList<>();
        for (int i = description.isEmpty() ? 0 : 1; i < blocks.length; i++) {
            String block = blocks[i];
            int a = block.indexOf("\nA: ");
            if (!block.startsWith("Q: ") || a < 0) {
                throw new IllegalArgumentException(where + ": exemplar " + (exemplars.size() + 1) + ": expected "
                        + "'Q: <question>' then a line 'A: <reasoning>'");
            }
            String reasoning = block.substring(a + 4);
            if (!reasoning.contains(BbhExactMatch.COT_MARKER)) {
                throw new IllegalArgumentException(where + ": exemplar " + (exemplars.size() + 1) + ": the "
                        + "reasoning does not end with 'So the answer is <answer>.'");
            }
            exemplars.add(new BbhExemplar(block.substring(3, a), reasoning,
                    BbhExactMatch.extractAnswer(reasoning, BbhMode.COT)));
        }
        if (exemplars.isEmpty()) {
            throw new IllegalArgumentException(where + ": no 'Q: ... A: ...' exemplars; expected the official 3-shot "
                    + "chain-of-thought prompt");
        }
        return new BbhTask(name, examples, prompt, description, exemplars);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}

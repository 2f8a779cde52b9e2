package dev.mhcspark.datasets.eval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a JSONL file of predictions made by any system, one example per line (blank lines are ignored):
 *
 * <ul>
 *   <li>BBH: {@code {"task": "navigate", "target": "Yes", "prediction": "... So the answer is Yes."}}; the task must
 *       be one of the 27 BBH tasks.</li>
 *   <li>DROP: {@code {"id": "q1", "prediction": "12" or ["span", ...], "answers": [gold, ...]}}, each gold answer
 *       either a list of spans ({@code ["Bears", "Lions"]}) or an official answer object
 *       ({@code {"number": "", "date": {"day": "", "month": "", "year": ""}, "spans": [...]}}); the first is the main
 *       answer, the others the validated answers. Ids must be unique.</li>
 * </ul>
 *
 * A line that is not JSON or lacks a field is an error naming the file, the line and the field: by default the whole
 * file is rejected (listing the first few bad lines); with {@code skipInvalid} such lines are skipped, counted and
 * listed in the report. The optional per-example file (JSONL, one record per scored line) is written atomically:
 * when scoring fails it is not created. Immutable; one instance can score many files.
 */
public final class PredictionFileScorer {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionFileScorer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERRORS_IN_MESSAGE = 5;

    private final ScoreSuite suite;
    private final BbhMode mode;
    private final boolean skipInvalid;

    /**
     * @param mode ignored for DROP; required for BBH
     */
    public PredictionFileScorer(ScoreSuite suite, BbhMode mode, boolean skipInvalid) {
        this.suite = Objects.requireNonNull(suite, "suite");
        if (suite == ScoreSuite.BBH) {
            Objects.requireNonNull(mode, "mode is required for BBH");
        }
        this.mode = suite == ScoreSuite.BBH ? mode : null;
        this.skipInvalid = skipInvalid;
    }

    /**
     * Scores {@code predictions}; writes one JSON record per scored line to {@code perExample} when it is not null.
     *
     * @throws IllegalArgumentException for a missing file, invalid lines (unless skipping them), or no valid line
     */
    public ScoreReport score(Path predictions, Path perExample) {
        if (!Files.isRegularFile(predictions)) {
            throw new IllegalArgumentException(predictions + ": no such file; expected a JSONL file of predictions");
        }
        if (perExample == null) {
            return scoreTo(predictions, null);
        }
        ScoreReport[] report = new ScoreReport[1];
        AtomicFile.write(perExample, out -> report[0] = scoreTo(predictions, out));
        return report[0];
    }

    private ScoreReport scoreTo(Path predictions, Writer perExample) {
        Map<String, TaskScore> tasks = new LinkedHashMap<>();
        List<InvalidLine> invalid = new ArrayList<>();
        long invalidCount = 0;
        Map<String, Long> seenIds = suite == ScoreSuite.DROP ? new HashMap<>() : null;
        String file = predictions.toString();
        try (BufferedReader in = Files.newBufferedReader(predictions, StandardCharsets.UTF_8);
                JsonGenerator out = perExample == null ? null : JSON.getFactory().createGenerator(perExample)) {
            if (out != null) {
                out.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                out.setRootValueSeparator(null);
            }
            long lineNumber = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (PythonStrings.isBlank(line)) {
                    continue;
                }
                try {
                    JsonNode node = parse(line);
                    if (suite == ScoreSuite.BBH) {
                        scoreBbh(node, lineNumber, tasks, out);
                    } else {
                        scoreDrop(node, lineNumber, tasks, seenIds, out);
                    }
                } catch (IllegalArgumentException e) {
                    invalidCount++;
                    if (invalid.size() < ScoreReport.LISTED_INVALID_LINES) {
                        invalid.add(new InvalidLine(lineNumber, e.getMessage()));
                    }
                    if (skipInvalid) {
                        LOG.warn("{}:{}: skipped: {}", file, lineNumber, e.getMessage());
                    }
                }
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text (" + e + ")", e);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file; expected a JSONL file of predictions", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (invalidCount > 0 && !skipInvalid) {
            StringBuilder m = new StringBuilder(file).append(": ").append(invalidCount)
                    .append(invalidCount == 1 ? " invalid line" : " invalid lines")
                    .append(" (skip them with --skip-invalid): ");
            for (int i = 0; i < Math.min(ERRORS_IN_MESSAGE, invalid.size()); i++) {
                m.append(i == 0 ? "" : "; ").append("line ").append(invalid.get(i).line()).append(": ")
                        .append(invalid.get(i).error());
            }
            if (invalidCount > ERRORS_IN_MESSAGE) {
                m.append("; ...");
            }
            throw new IllegalArgumentException(m.toString());
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException(file + ": no " + (invalidCount > 0 ? "valid " : "")
                    + "prediction lines to score" + (invalidCount > 0 ? " (" + invalidCount + " invalid)" : ""));
        }
        return new ScoreReport(suite, mode, file, new ArrayList<>(tasks.values()), invalidCount, invalid);
    }

    private static JsonNode parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got " + DropAnswer.describe(node));
        }
        return node;
    }

    private void scoreBbh(JsonNode node, long line, Map<String, TaskScore> tasks, JsonGenerator out)
            throws IOException {
        String task = text(node, "task");
        String target = text(node, "target");
        String prediction = text(node, "prediction");
        if (!BbhTasks.NAMES.contains(task)) {
            throw new IllegalArgumentException("field 'task': unknown BBH task '" + task + "'; known tasks: "
                    + String.join(", ", BbhTasks.NAMES));
        }
        String answer = BbhExactMatch.extractAnswer(prediction, mode);
        boolean correct = answer.equals(target);
        tasks.merge(task, new TaskScore(task, 1, correct ? 1 : 0, 0), PredictionFileScorer::add);
        if (out != null) {
            out.writeStartObject();
            out.writeNumberField("line", line);
            out.writeStringField("task", task);
            out.writeStringField("target", target);
            out.writeStringField("answer", answer);
            out.writeBooleanField("correct", correct);
            out.writeEndObject();
            out.writeRaw('\n');
        }
    }

    private static void scoreDrop(JsonNode node, long line, Map<String, TaskScore> tasks, Map<String, Long> seenIds,
            JsonGenerator out) throws IOException {
        String id = text(node, "id");
        JsonNode p = node.get("prediction");
        List<String> predicted;
        if (p != null && p.isTextual()) {
            predicted = List.of(p.textValue());
        } else if (p != null && p.isArray()) {
            predicted = new ArrayList<>(p.size());
            for (int i = 0; i < p.size(); i++) {
                if (!p.get(i).isTextual()) {
                    throw new IllegalArgumentException("field 'prediction[" + i + "]': expected a string, got "
                            + DropAnswer.describe(p.get(i)));
                }
                predicted.add(p.get(i).textValue());
            }
        } else {
            throw new IllegalArgumentException("field 'prediction'" + (p == null ? " missing" : "") + ": expected a "
                    + "string or an array of strings" + (p == null ? "" : ", got " + DropAnswer.describe(p)));
        }
        JsonNode a = node.get("answers");
        if (a == null || !a.isArray() || a.isEmpty()) {
            throw new IllegalArgumentException("field 'answers'" + (a == null ? " missing" : "") + ": expected a "
                    + "non-empty array of gold answers (span lists or official answer objects)"
                    + (a == null ? "" : ", got " + DropAnswer.describe(a)));
        }
        List<DropAnswer> gold = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            gold.add(goldAnswer(a.get(i), "answers[" + i + "]"));
        }
        Long previous = seenIds.putIfAbsent(id, line);
        if (previous != null) {
            throw new IllegalArgumentException("field 'id': '" + id + "' already used on line " + previous
                    + "; expected one line per question");
        }
        DropScore s = DropScorer.scoreQuestion(predicted, gold);
        tasks.merge(s.type(), new TaskScore(s.type(), 1, s.exactMatch() == 1.0 ? 1 : 0, s.f1()),
                PredictionFileScorer::add);
        if (out != null) {
            out.writeStartObject();
            out.writeNumberField("line", line);
            out.writeStringField("id", id);
            out.writeStringField("type", s.type());
            out.writeNumberField("em", s.exactMatch());
            out.writeNumberField("f1", s.f1());
            out.writeEndObject();
            out.writeRaw('\n');
        }
    }

    private static DropAnswer goldAnswer(JsonNode node, String where) {
        if (node.isArray()) {
            if (node.isEmpty()) {
                throw new IllegalArgumentException(where + ": empty span list; expected at least one span");
            }
            List<String> spans = new ArrayList<>(node.size());
            for (int k = 0; k < node.size(); k++) {
                if (!node.get(k).isTextual()) {
                    throw new IllegalArgumentException(where + "[" + k + "]: expected a string, got "
                            + DropAnswer.describe(node.get(k)));
                }
                spans.add(node.get(k).textValue());
            }
            return DropAnswer.ofSpans(spans);
        }
        if (node.isObject()) {
            return DropAnswer.fromJson(node, where);
        }
        throw new IllegalArgumentException(where + ": expected a list of spans or an answer object {\"number\", "
                + "\"date\", \"spans\"}, got " + DropAnswer.describe(node));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "'" + (value == null ? " missing" : "")
                    + ": expected a string" + (value == null ? "" : ", got " + DropAnswer.describe(value)));
        }
        return value.textValue();
    }

    private static TaskScore add(TaskScore a, TaskScore b) {
        return new TaskScore(a.task(), a.examples() + b.examples(), a.exactMatches() + b.exactMatches(),
                a.f1Sum() + b.f1Sum());
    }
}

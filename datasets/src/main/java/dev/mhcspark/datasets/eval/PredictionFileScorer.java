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
        Totals totals = new Totals(predictions.toString());
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
                if (!PythonStrings.isBlank(line)) {
                    totals.add(scoreLine(lineNumber, line), out);
                }
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(predictions + ": not UTF-8 text (" + e + ")", e);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(predictions + ": no such file; expected a JSONL file of predictions", e);
        } catch (IOException e) {
            throw new UncheckedIOException(predictions + ": " + e.getMessage(), e);
        }
        return totals.report();
    }

    private Scored scoreLine(long number, String line) {
        try {
            JsonNode node = parse(line);
            return suite == ScoreSuite.BBH ? scoreBbh(node, number) : scoreDrop(node, number);
        } catch (IllegalArgumentException e) {
            return Scored.invalid(number, e.getMessage());
        }
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

    private Scored scoreBbh(JsonNode node, long line) {
        String task = text(node, "task");
        String target = text(node, "target");
        String prediction = text(node, "prediction");
        if (!BbhTasks.NAMES.contains(task)) {
            throw new IllegalArgumentException("field 'task': unknown BBH task '" + task + "'; known tasks: "
                    + String.join(", ", BbhTasks.NAMES));
        }
        String answer = BbhExactMatch.extractAnswer(prediction, mode);
        boolean correct = answer.equals(target);
        return new Scored(line, null, task, null, correct ? 1 : 0, 0, target, answer);
    }

    private static Scored scoreDrop(JsonNode node, long line) {
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
        DropScore s = DropScorer.scoreQuestion(predicted, gold);
        return new Scored(line, null, s.type(), id, s.exactMatch(), s.f1(), null, null);
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

    /**
     * The outcome of one line: an error, or the task (BBH task, DROP answer type), the DROP id, EM (BBH: 1 when
     * correct) and F1, and for BBH the target and the extracted answer.
     */
    private record Scored(long line, String error, String task, String id, double em, double f1, String target,
            String answer) {
        static Scored invalid(long line, String error) {
            return new Scored(line, error, null, null, 0, 0, null, null);
        }
    }

    /** Running totals, in line order: per task, invalid lines, DROP ids seen. */
    private final class Totals {
        private final String file;
        private final Map<String, long[]> counts = new LinkedHashMap<>(); // task -> examples, exact matches
        private final Map<String, Doubles> f1s = new HashMap<>();
        private final Doubles allF1 = new Doubles();
        private final List<InvalidLine> invalid = new ArrayList<>();
        private final Map<String, Long> seenIds = new HashMap<>();
        private long invalidCount;

        Totals(String file) {
            this.file = file;
        }

        void add(Scored r, JsonGenerator out) throws IOException {
            String error = r.error;
            if (error == null && r.id != null) {
                Long previous = seenIds.putIfAbsent(r.id, r.line);
                if (previous != null) {
                    error = "field 'id': '" + r.id + "' already used on line " + previous
                            + "; expected one line per question";
                }
            }
            if (error != null) {
                invalidCount++;
                if (invalid.size() < ScoreReport.LISTED_INVALID_LINES) {
                    invalid.add(new InvalidLine(r.line, error));
                    if (skipInvalid) {
                        LOG.warn("{}:{}: skipped: {}", file, r.line, error);
                    }
                }
                return;
            }
            long[] c = counts.computeIfAbsent(r.task, k -> new long[2]);
            c[0]++;
            c[1] += r.em == 1.0 ? 1 : 0;
            if (suite == ScoreSuite.DROP) {
                f1s.computeIfAbsent(r.task, k -> new Doubles()).add(r.f1);
                allF1.add(r.f1);
            }
            if (out != null) {
                writeExample(r, out);
            }
        }

        private void writeExample(Scored r, JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeNumberField("line", r.line);
            if (suite == ScoreSuite.BBH) {
                out.writeStringField("task", r.task);
                out.writeStringField("target", r.target);
                out.writeStringField("answer", r.answer);
                out.writeBooleanField("correct", r.em == 1.0);
            } else {
                out.writeStringField("id", r.id);
                out.writeStringField("type", r.task);
                out.writeNumberField("em", r.em);
                out.writeNumberField("f1", r.f1);
            }
            out.writeEndObject();
            out.writeRaw('\n');
        }

        ScoreReport report() {
            if (skipInvalid && invalidCount > ScoreReport.LISTED_INVALID_LINES) {
                LOG.warn("{}: {} invalid lines skipped (the first {} shown)", file, invalidCount,
                        ScoreReport.LISTED_INVALID_LINES);
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
            if (counts.isEmpty()) {
                throw new IllegalArgumentException(file + ": no " + (invalidCount > 0 ? "valid " : "")
                        + "prediction lines to score" + (invalidCount > 0 ? " (" + invalidCount + " invalid)" : ""));
            }
            List<TaskScore> tasks = new ArrayList<>();
            long examples = 0;
            long exact = 0;
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                String task = e.getKey();
                long[] c = e.getValue();
                double f1 = suite == ScoreSuite.DROP ? f1s.get(task).mean() : Double.NaN;
                tasks.add(new TaskScore(task, c[0], c[1], f1));
                examples += c[0];
                exact += c[1];
            }
            TaskScore micro = new TaskScore("micro", examples, exact,
                    suite == ScoreSuite.DROP ? allF1.mean() : Double.NaN);
            return new ScoreReport(suite, mode, file, tasks, micro, invalidCount, invalid);
        }
    }

    /** A growable list of doubles, averaged as numpy averages (pairwise summation, in insertion order). */
    private static final class Doubles {
        private double[] values = new double[64];
        private int size;

        void add(double v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        double mean() {
            return DropScorer.numpyMean(java.util.Arrays.copyOf(values, size));
        }
    }
}

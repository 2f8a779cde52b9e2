package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scoring prediction files: both input shapes, the report, bad lines, the atomic per-example file, speed. */
class PredictionFileScorerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATE = "{\"number\": \"\", \"date\": {\"day\": \"3\", \"month\": \"May\", "
            + "\"year\": \"1214\"}, \"spans\": []}";

    @TempDir
    Path tmp;

    @Test
    void scoresDropLinesWithSpanListsOrOfficialAnswers() throws Exception {
        Path file = write("drop.jsonl",
                "{\"id\": \"q1\", \"prediction\": \"12\", \"answers\": [[\"12.0\"]]}",
                "",
                "{\"id\": \"q2\", \"prediction\": [\"Lions\", \"Bears\"], \"answers\": [[\"Bears\", \"Lions\"]]}",
                "{\"id\": \"q3\", \"prediction\": \"May 3, 1214\", \"answers\": [" + DATE + "]}",
                "{\"id\": \"q4\", \"prediction\": \"12 yards\", \"answers\": [{\"number\": \"12\"}, [\"twelve\"]]}",
                "   ");
        Path perExample = tmp.resolve("out/per-example.jsonl");
        ScoreReport report = new PredictionFileScorer(ScoreSuite.DROP, BbhMode.COT, false).score(file, perExample);
        JsonNode j = report.toJson();
        assertEquals("drop", j.get("suite").asText());
        assertFalse(j.has("mode"));
        assertEquals(4, j.get("examples").asInt());
        assertEquals(0, j.get("skipped_lines").asInt());
        // span lists are typed span / spans; q4 is typed span too: the official evaluator reports the type of the last
        // gold answer whose EM or F1 equals the running maximum, and ["twelve"] ties the number's EM of 0
        assertEquals(List.of("date", "span", "spans"), names(j.get("tasks").fieldNames()));
        JsonNode span = j.get("tasks").get("span");
        assertEquals(2, span.get("examples").asInt());
        assertEquals(0.5, span.get("em").asDouble());
        assertEquals((1 + 0.67) / 2, span.get("f1").asDouble(), 1e-12);
        assertEquals(0.0, j.get("tasks").get("date").get("em").asDouble());
        assertEquals(1.0, j.get("tasks").get("date").get("f1").asDouble());
        assertEquals(0.5, j.get("micro").get("em").asDouble());
        assertEquals((1 + 1 + 1 + 0.67) / 4, j.get("micro").get("f1").asDouble(), 1e-12);
        assertEquals(3, j.get("macro").get("tasks").asInt());
        assertEquals((0.5 + 0 + 1) / 3, j.get("macro").get("em").asDouble(), 1e-12);
        List<String> records = Files.readAllLines(perExample);
        assertEquals(4, records.size());
        assertEquals("{\"line\":4,\"id\":\"q3\",\"type\":\"date\",\"em\":0.0,\"f1\":1.0}", records.get(2));
    }

    @Test
    void invalidLinesAreReportedWithFileAndLineAndNoOutputIsLeft() throws Exception {
        Path file = write("bad.jsonl",
                "{\"id\": \"q1\", \"prediction\": \"12\", \"answers\": [[\"12\"]]}",
                "{\"id\": \"q2\", \"prediction\": \"12\"",
                "{\"id\": \"q3\", \"answers\": [[\"12\"]]}",
                "{\"id\": \"q4\", \"prediction\": 12, \"answers\": [[\"12\"]]}",
                "{\"id\": \"q5\", \"prediction\": \"x\", \"answers\": []}",
                "{\"id\": \"q6\", \"prediction\": \"x\", \"answers\": [[\"a\", 3]]}",
                "{\"id\": \"q7\", \"prediction\": \"x\", \"answers\": [{\"number\": \"\"}]}",
                "{\"id\": \"q1\", \"prediction\": \"12\", \"answers\": [[\"12\"]]}",
                "[1, 2]",
                "{\"prediction\": \"12\", \"answers\": [[\"12\"]]}");
        Path perExample = tmp.resolve("per-example.jsonl");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PredictionFileScorer(ScoreSuite.DROP, null, false).score(file, perExample));
        String m = e.getMessage();
        assertTrue(m.startsWith(file + ": 9 invalid lines (skip them with --skip-invalid): line 2: not JSON: "), m);
        assertTrue(m.contains("; line 3: field 'prediction' missing: expected a string or an array of strings; "), m);
        assertTrue(m.contains("; line 4: field 'prediction': expected a string or an array of strings, got number 12;"),
                m);
        assertTrue(m.contains("; line 5: field 'answers': expected a non-empty array of gold answers"), m);
        assertTrue(m.contains("; line 6: answers[0][1]: expected a string, got number 3; ..."), m);
        assertFalse(Files.exists(perExample), "no partial per-example file");
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }

        ScoreReport report = new PredictionFileScorer(ScoreSuite.DROP, null, true).score(file, perExample);
        assertEquals(1, report.micro().examples());
        assertEquals(9, report.skippedLines());
        JsonNode invalid = report.toJson().get("invalid_lines");
        assertEquals(9, invalid.size());
        assertEquals(7, invalid.get(5).get("line").asInt());
        assertEquals("answers[0]: the answer has no number, spans or date", invalid.get(5).get("error").asText());
        assertEquals("field 'id': 'q1' already used on line 1; expected one line per question",
                invalid.get(6).get("error").asText());
        assertEquals("expected a JSON object, got array [1,2]", invalid.get(7).get("error").asText());
        assertEquals("field 'id' missing: expected a string", invalid.get(8).get("error").asText());
        assertEquals(1, Files.readAllLines(perExample).size());
    }

    @Test
    void bbhLinesNeedAKnownTaskAndStringFields() throws Exception {
        Path file = write("bbh.jsonl",
                "{\"task\": \"navigate\", \"target\": \"Yes\", \"prediction\": \"So the answer is Yes.\"}",
                "{\"task\": \"navigation\", \"target\": \"Yes\", \"prediction\": \"Yes\"}",
                "{\"task\": \"navigate\", \"target\": [\"Yes\"], \"prediction\": \"Yes\"}",
                "not json at all");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PredictionFileScorer(ScoreSuite.BBH, BbhMode.COT, false).score(file, null));
        assertTrue(e.getMessage().contains("line 2: field 'task': unknown BBH task 'navigation'; known tasks: "
                + "boolean_expressions, "), e.getMessage());
        assertTrue(e.getMessage().contains("line 3: field 'target': expected a string, got array [\"Yes\"]"),
                e.getMessage());
        assertTrue(e.getMessage().contains("line 4: not JSON: Unrecognized token 'not'"), e.getMessage());
        ScoreReport report = new PredictionFileScorer(ScoreSuite.BBH, BbhMode.DIRECT, true).score(file, null);
        JsonNode j = report.toJson();
        assertEquals("direct", j.get("mode").asText());
        assertEquals(0.0, j.get("tasks").get("navigate").get("exact_match").asDouble()); // direct: whole output
        assertEquals(3, j.get("skipped_lines").asInt());
    }

    @Test
    void nothingToScoreIsAnError() throws Exception {
        Path empty = write("empty.jsonl", "", " ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PredictionFileScorer(ScoreSuite.DROP, null, true).score(empty, null));
        assertEquals(empty + ": no prediction lines to score", e.getMessage());
        Path bad = write("bad.jsonl", "{}");
        e = assertThrows(IllegalArgumentException.class,
                () -> new PredictionFileScorer(ScoreSuite.DROP, null, true).score(bad, null));
        assertEquals(bad + ": no valid prediction lines to score (1 invalid)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new PredictionFileScorer(ScoreSuite.DROP, null, true).score(tmp.resolve("none.jsonl"), null));
        assertTrue(e.getMessage().endsWith("none.jsonl: no such file; expected a JSONL file of predictions"));
    }

    /**
     * A generated set of 3,000 questions with simulated predictions, scored by the official drop_eval.py
     * ({@code evaluate_json}, CPython 3.11, numpy 2.4, scipy 1.17) on the files this seed writes: global and per-type
     * EM/F1 must agree to the last bit (the F1 means are numpy's pairwise sums, in file order).
     */
    @Test
    void reproducesTheOfficialEvaluatorsFiguresBitForBit() {
        DropDataset set = DropStyleGenerator.generate(3000, 17);
        Path predictions = tmp.resolve("small_pred.jsonl");
        DropStyleGenerator.writePredictions(set, predictions, 17);
        ScoreReport r = new PredictionFileScorer(ScoreSuite.DROP, null, false).score(predictions, null);
        assertEquals(0.5026666666666667, r.micro().exactMatch());
        assertEquals(0.6055166666666667, r.micro().f1());
        assertOfficial(r.task("date"), 239, 0.5188284518828452, 0.8284100418410042);
        assertOfficial(r.task("number"), 1761, 0.49119818285065303, 0.5636342986939239);
        assertOfficial(r.task("span"), 482, 0.5518672199170125, 0.6552697095435686);
        assertOfficial(r.task("spans"), 518, 0.48841698841698844, 0.5987644787644787);
    }

    private static void assertOfficial(TaskScore t, int examples, double em, double f1) {
        assertEquals(examples, t.examples(), t.task());
        assertEquals(em, t.exactMatch(), t.task());
        assertEquals(f1, t.f1(), t.task());
    }

    /** 20,000 generated questions (a fifth of the 100k target) must score in well under the seconds budget. */
    @Test
    void scoresTwentyThousandQuestionsQuickly() {
        Path predictions = tmp.resolve("simulated.jsonl");
        DropStyleGenerator.writePredictions(DropStyleGenerator.generate(20_000, 5), predictions, 5);
        PredictionFileScorer scorer = new PredictionFileScorer(ScoreSuite.DROP, null, false);
        scorer.score(predictions, null); // warm-up
        long start = System.nanoTime();
        ScoreReport report = scorer.score(predictions, tmp.resolve("per-example.jsonl"));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(20_000, report.micro().examples());
        System.out.printf("scored %,d DROP questions in %.2f s (%,.0f/s)%n", 20_000, seconds, 20_000 / seconds);
        assertTrue(seconds < 20, "20k questions took " + seconds + " s"); // loose: the machine may be busy
    }

    private Path write(String name, String... lines) throws Exception {
        Path file = tmp.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static <T> List<T> names(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mhc score} through the command line: output document, options and the errors of bad input. */
class ScoreCommandTest {
    @TempDir
    Path tmp;

    @Test
    void scoresBbhPredictionsPerTask() throws Exception {
        Path file = tmp.resolve("bbh.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"task\": \"navigate\", \"target\": \"Yes\", \"prediction\": \"Step back. So the answer is Yes.\"}",
                "{\"task\": \"navigate\", \"target\": \"No\", \"prediction\": \"So the answer is Yes.\"}",
                "{\"task\": \"word_sorting\", \"target\": \"a b c\", \"prediction\": \"So the answer is a b c.\"}",
                ""));
        Path perExample = tmp.resolve("per.jsonl");
        Cli r = Cli.run("score", "--suite", "bbh", "--predictions", file.toString(), "--per-example",
                perExample.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("bbh", j.get("suite").asText());
        assertEquals("cot", j.get("mode").asText());
        assertEquals(3, j.get("examples").asInt());
        assertEquals(0.5, j.get("tasks").get("navigate").get("exact_match").asDouble());
        assertEquals(1, j.get("tasks").get("navigate").get("correct").asInt());
        assertEquals(1.0, j.get("tasks").get("word_sorting").get("exact_match").asDouble());
        assertEquals(2.0 / 3, j.get("micro").get("exact_match").asDouble(), 1e-15);
        assertEquals(0.75, j.get("macro").get("exact_match").asDouble());
        assertTrue(r.err().startsWith("mhc score: 3 examples in "), r.err());
        assertEquals("{\"line\":2,\"task\":\"navigate\",\"target\":\"No\",\"answer\":\"Yes\",\"correct\":false}",
                Files.readAllLines(perExample).get(1));

        Cli direct = Cli.run("score", "--suite", "bbh", "--mode", "direct", "--predictions", file.toString());
        assertEquals(0.0, new ObjectMapper().readTree(direct.out()).get("micro").get("exact_match").asDouble());
    }

    @Test
    void scoresDropPredictions() throws Exception {
        Path file = tmp.resolve("drop.jsonl");
        Files.writeString(file, "{\"id\": \"a\", \"prediction\": [\"Lions\", \"Bears\"], \"answers\": [[\"Bears\", "
                + "\"Lions\"]]}\n{\"id\": \"b\", \"prediction\": \"1,000 yards\", \"answers\": [{\"number\": \"1000\", "
                + "\"date\": {\"day\": \"\", \"month\": \"\", \"year\": \"\"}, \"spans\": []}]}\n");
        Cli r = Cli.run("score", "--suite", "drop", "--predictions", file.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertFalse(j.has("mode"));
        assertEquals(1.0, j.get("tasks").get("spans").get("f1").asDouble());
        assertEquals(0.0, j.get("tasks").get("number").get("em").asDouble());
        assertEquals(0.67, j.get("tasks").get("number").get("f1").asDouble());
        assertEquals(0.5, j.get("micro").get("em").asDouble());
        assertEquals((1 + 0.67) / 2, j.get("micro").get("f1").asDouble(), 1e-12);
    }

    @Test
    void badInputIsAClearErrorAndLeavesNoOutput() throws Exception {
        Path file = tmp.resolve("bad.jsonl");
        Files.writeString(file, "{\"task\": \"navigate\", \"target\": \"Yes\", \"prediction\": \"Yes\"}\n"
                + "{\"task\": \"navigate\", \"target\": \"Yes\"\n"
                + "{\"task\": \"navigation\", \"target\": \"Yes\", \"prediction\": \"Yes\"}\n");
        Path perExample = tmp.resolve("per.jsonl");
        Cli r = Cli.run("score", "--suite", "bbh", "--predictions", file.toString(), "--per-example",
                perExample.toString());
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("mhc score: " + file + ": 2 invalid lines (skip them with --skip-invalid): "
                + "line 2: not JSON: "), r.err());
        assertTrue(r.err().contains("; line 3: field 'task': unknown BBH task 'navigation'; known tasks: "
                + "boolean_expressions, causal_judgement, "), r.err());
        assertFalse(Files.exists(perExample));

        Cli skipped = Cli.run("score", "--suite", "bbh", "--predictions", file.toString(), "--skip-invalid",
                "--per-example", perExample.toString());
        assertEquals(0, skipped.exit(), skipped.err());
        JsonNode j = new ObjectMapper().readTree(skipped.out());
        assertEquals(1, j.get("examples").asInt());
        assertEquals(2, j.get("skipped_lines").asInt());
        assertEquals(3, j.get("invalid_lines").get(1).get("line").asInt());
        assertTrue(skipped.err().contains("2 invalid lines skipped"), skipped.err());
        assertEquals(1, Files.readAllLines(perExample).size());
    }

    @Test
    void badOptionsNameTheOption() {
        Cli r = Cli.run("score", "--suite", "squad", "--predictions", "x.jsonl");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Invalid value for option '--suite': suite: unknown value 'squad'; expected bbh or "
                + "drop"), r.err());
        r = Cli.run("score", "--suite", "bbh", "--mode", "fewshot", "--predictions", "x.jsonl");
        assertTrue(r.err().contains("mode: unknown value 'fewshot'; expected cot or direct"), r.err());
        r = Cli.run("score", "--suite", "drop", "--mode", "cot", "--predictions", "x.jsonl");
        assertEquals(2, r.exit());
        assertEquals("mhc score: --mode cot: only for --suite bbh (DROP has no modes)", r.err().strip());
        r = Cli.run("score", "--suite", "drop", "--predictions", tmp.resolve("none.jsonl").toString());
        assertEquals(2, r.exit());
        assertEquals("mhc score: " + tmp.resolve("none.jsonl") + ": no such file; expected a JSONL file of predictions",
                r.err().strip());
        r = Cli.run("score", "--suite", "drop");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing required option: '--predictions=FILE'"), r.err());
    }

    @Test
    void helpDescribesInputOutputAndTiming() {
        Cli r = Cli.run("score", "--help");
        assertEquals(0, r.exit());
        for (String s : new String[] {"--suite", "--predictions", "--mode", "--per-example", "--skip-invalid",
            "\"answers\"", "exact_match", "make-drop-style --count 100000"}) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
    }
}

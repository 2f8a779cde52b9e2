package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mhcspark.datasets.eval.DropDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mhc eval make-drop-style}, and its output scored by {@code mhc score}. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    @Test
    void makesAnOfficialFormatSetAndScorablePredictions() throws Exception {
        Path set = tmp.resolve("drop_style.json");
        Path predictions = tmp.resolve("pred.jsonl");
        Cli r = Cli.run("eval", "make-drop-style", "--count", "120", "--seed", "4", "--out", set.toString(),
                "--predictions", predictions.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote 120 questions over 24 passages to " + set + " (answer types: date="),
                r.out());
        assertEquals(120, DropDataset.load(set).questions().size());
        assertEquals(120, Files.readAllLines(predictions).size());

        Cli scored = Cli.run("score", "--suite", "drop", "--predictions", predictions.toString());
        assertEquals(0, scored.exit(), scored.err());
        JsonNode j = new ObjectMapper().readTree(scored.out());
        assertEquals(120, j.get("examples").asInt());
        assertTrue(j.get("micro").get("f1").asDouble() > j.get("micro").get("em").asDouble());

        // same seed, same bytes
        Path again = tmp.resolve("again.json");
        Cli.run("eval", "make-drop-style", "--count", "120", "--seed", "4", "--out", again.toString());
        assertEquals(Files.readString(set), Files.readString(again));
    }

    @Test
    void errorsAndHelp() {
        Cli r = Cli.run("eval", "make-drop-style", "--count", "0", "--out", tmp.resolve("x.json").toString());
        assertEquals(2, r.exit());
        assertEquals("mhc eval make-drop-style: --count: must be >= 1, got 0", r.err().strip());
        r = Cli.run("eval");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Missing options --model, --suite, --data and --out (or a subcommand: compare, "
                + "make-drop-style)"), r.err());
        r = Cli.run("eval", "make-drop-style", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("--count") && r.out().contains("--predictions")
                && r.out().contains("validated_answers"), r.out());
    }
}

package dev.mhcspark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mhcspark.datasets.eval.DropDataset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mhc eval make-drop-style}, and its output scored by {@code mhc score}. */
class EvalCommandTest {
    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void makesAnOfficialFormatSetAndScorablePredictions() throws Exception {
        Path set = tmp.resolve("drop_style.json");
        Path predictions = tmp.resolve("pred.jsonl");
        String[] r = run("eval", "make-drop-style", "--count", "120", "--seed", "4", "--out", set.toString(),
                "--predictions", predictions.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("wrote 120 questions over 24 passages to " + set + " (answer types: date="), r[1]);
        assertEquals(120, DropDataset.load(set).questions().size());
        assertEquals(120, Files.readAllLines(predictions).size());

        String[] scored = run("score", "--suite", "drop", "--predictions", predictions.toString());
        assertEquals("0", scored[0], scored[2]);
        JsonNode j = new ObjectMapper().readTree(scored[1]);
        assertEquals(120, j.get("examples").asInt());
        assertTrue(j.get("micro").get("f1").asDouble() > j.get("micro").get("em").asDouble());

        // same seed, same bytes
        Path again = tmp.resolve("again.json");
        run("eval", "make-drop-style", "--count", "120", "--seed", "4", "--out", again.toString());
        assertEquals(Files.readString(set), Files.readString(again));
    }

    @Test
    void errorsAndHelp() {
        String[] r = run("eval", "make-drop-style", "--count", "0", "--out", tmp.resolve("x.json").toString());
        assertEquals("2", r[0]);
        assertEquals("mhc make-drop-style: --count: must be >= 1, got 0", r[2].strip());
        r = run("eval");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Missing subcommand: make-drop-style"), r[2]);
        r = run("eval", "make-drop-style", "--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("--count") && r[1].contains("--predictions") && r[1].contains("validated_answers"),
                r[1]);
    }
}

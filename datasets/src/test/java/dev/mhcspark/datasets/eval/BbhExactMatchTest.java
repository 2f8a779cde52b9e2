package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BBH exact match: the extraction rules, and a hand-scored prediction set reproduced exactly. */
class BbhExactMatchTest {
    @TempDir
    Path tmp;

    @Test
    void chainOfThoughtTakesTheTextAfterTheFirstMarker() {
        assertEquals("(B)", BbhExactMatch.extractAnswer("Let's see. So the answer is (B).", BbhMode.COT));
        assertEquals("(B)", BbhExactMatch.extractAnswer("So the answer is (B)", BbhMode.COT)); // no period
        assertEquals("(B)", BbhExactMatch.extractAnswer("So the answer is  (B). \n", BbhMode.COT));
        // the first marker counts, and everything after it
        assertEquals("(A). Wait, the answer is (B)",
                BbhExactMatch.extractAnswer("So the answer is (A). Wait, the answer is (B).", BbhMode.COT));
        // only one trailing period goes
        assertEquals("etc.", BbhExactMatch.extractAnswer("So the answer is etc..", BbhMode.COT));
        // the marker is case-sensitive: without it the whole output is the answer
        assertEquals("The answer is (C)", BbhExactMatch.extractAnswer("The answer is (C).", BbhMode.COT));
        assertEquals("True", BbhExactMatch.extractAnswer("\tTrue.\n", BbhMode.COT));
        // Python's strip: a no-break space is whitespace
        assertEquals("Yes", BbhExactMatch.extractAnswer("the answer is \u00a0Yes.", BbhMode.COT));
    }

    @Test
    void directAnswersAreTheWholeOutput() {
        assertEquals("So the answer is (B)", BbhExactMatch.extractAnswer(" So the answer is (B). ", BbhMode.DIRECT));
        assertEquals("24", BbhExactMatch.extractAnswer("24.", BbhMode.DIRECT));
        assertEquals("", BbhExactMatch.extractAnswer(" . ", BbhMode.DIRECT));
        assertTrue(BbhExactMatch.isCorrect("valid", "valid", BbhMode.DIRECT));
        assertFalse(BbhExactMatch.isCorrect("valid", "invalid", BbhMode.DIRECT));
        assertFalse(BbhExactMatch.isCorrect("Valid", "valid", BbhMode.DIRECT)); // case matters
    }

    /**
     * 30 hand-written chain-of-thought predictions over three tasks whose accuracy was counted by hand:
     * boolean_expressions 9/12 = 0.75, date_understanding 4/8 = 0.5, multistep_arithmetic_two 4/10 = 0.4; overall
     * 17/30, macro (0.75 + 0.5 + 0.4) / 3 = 0.55.
     */
    @Test
    void reproducesAHandScoredAccuracyExactly() throws Exception {
        List<String[]> lines = new ArrayList<>();
        String b = "boolean_expressions";
        lines.add(new String[] {b, "True", "not False = True. So the answer is True."}); // right
        lines.add(new String[] {b, "False", "So the answer is False."}); // right
        lines.add(new String[] {b, "False", "So the answer is False"}); // right: no period
        lines.add(new String[] {b, "True", "So the answer is True.\n"}); // right: whitespace
        lines.add(new String[] {b, "True", "True"}); // right: no marker, whole output
        lines.add(new String[] {b, "False", "So the answer is true."}); // wrong: case
        lines.add(new String[] {b, "True", "(True or False) = True. So the answer is True."}); // right
        lines.add(new String[] {b, "False", "A = True. So the answer is False. "}); // right
        lines.add(new String[] {b, "True", "The answer is True."}); // wrong: no lower-case marker, "The answer is True"
        lines.add(new String[] {b, "False", "So the answer is False.."}); // wrong: only one period stripped
        lines.add(new String[] {b, "True", "so the answer is True."}); // right: the marker is "the answer is "
        lines.add(new String[] {b, "False", "Z = False. So the answer is False."}); // right
        String d = "date_understanding";
        lines.add(new String[] {d, "(A)", "So the answer is (A)."}); // right
        lines.add(new String[] {d, "(B)", "So the answer is B."}); // wrong: no parentheses
        lines.add(new String[] {d, "(C)", "So the answer is (C)"}); // right
        lines.add(new String[] {d, "(D)", "So the answer is (D) 05/01/2021."}); // wrong: extra text
        lines.add(new String[] {d, "(E)", "Today is 05/01/2021. So the answer is (E)."}); // right
        lines.add(new String[] {d, "(F)", "So the answer is (E)."}); // wrong
        lines.add(new String[] {d, "(A)", "(A)"}); // right
        lines.add(new String[] {d, "(B)", "So the answer is (B).\n\nQ: next question"}); // wrong: the text runs on
        String m = "multistep_arithmetic_two";
        lines.add(new String[] {m, "-219", "So the answer is -219."}); // right
        lines.add(new String[] {m, "123", "So the answer is 123"}); // right
        lines.add(new String[] {m, "-219", "So the answer is -219.0."}); // wrong: -219.0
        lines.add(new String[] {m, "3929", "So the answer is 3,929."}); // wrong: comma
        lines.add(new String[] {m, "0", "So the answer is 0."}); // right
        lines.add(new String[] {m, "-7", "So the answer is - 7."}); // wrong
        lines.add(new String[] {m, "42", "So the answer is 41."}); // wrong
        lines.add(new String[] {m, "-1", " -1 "}); // right
        lines.add(new String[] {m, "10", "So the answer is ten."}); // wrong
        lines.add(new String[] {m, "5", ""}); // wrong: empty output
        ObjectMapper json = new ObjectMapper();
        StringBuilder file = new StringBuilder();
        for (String[] l : lines) {
            ObjectNode o = json.createObjectNode().put("task", l[0]).put("target", l[1]).put("prediction", l[2]);
            file.append(json.writeValueAsString(o)).append('\n');
        }
        Path predictions = tmp.resolve("bbh.jsonl");
        Files.writeString(predictions, file);
        ScoreReport report = new PredictionFileScorer(ScoreSuite.BBH, BbhMode.COT, false).score(predictions, null);
        assertEquals(12, report.task(b).examples());
        assertEquals(0.75, report.task(b).exactMatch());
        assertEquals(0.5, report.task(d).exactMatch());
        assertEquals(0.4, report.task(m).exactMatch());
        assertEquals(17.0 / 30, report.micro().exactMatch());
        assertEquals((0.75 + 0.5 + 0.4) / 3, report.macroExactMatch(), 1e-15);
        assertEquals(17, report.toJson().get("micro").get("correct").asInt());
    }
}

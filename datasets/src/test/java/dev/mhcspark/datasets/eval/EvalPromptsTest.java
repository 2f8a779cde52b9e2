package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Prompt building, answer options and stop sequences of model-driven evaluation (no model needed). */
class EvalPromptsTest {
    private static final Path OFFICIAL = Path.of("..", "..", "shared", "data", "bbh");

    @Test
    void threeShotPromptsAreTheOfficialOnesAndFewerShotsDropTrailingExemplars() {
        assumeTrue(Files.isDirectory(OFFICIAL), "no BBH data at " + OFFICIAL.toAbsolutePath());
        for (BbhTask t : BbhTasks.open(OFFICIAL).loadAll()) {
            String input = t.examples().get(0).input();
            assertEquals(t.cotPromptFor(input), BbhPrompts.cot(t, input, 3), t.name());
            assertEquals(t.directPromptFor(input), BbhPrompts.direct(t, input, 3), t.name());
        }
        BbhTask navigate = BbhTasks.open(OFFICIAL).load("navigate");
        BbhExemplar first = navigate.exemplars().get(0);
        assertEquals(navigate.description() + "\n\nQ: " + first.question() + "\nA: " + first.answer()
                + "\n\nQ: go?\nA:", BbhPrompts.direct(navigate, "go?", 1));
        assertEquals(navigate.description() + "\n\nQ: go?\nA: Let's think step by step.",
                BbhPrompts.cot(navigate, "go?", 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BbhPrompts.cot(navigate, "go?", 4));
        assertEquals("--shots 4: task navigate has 3 worked exemplars in its prompt; allowed: 0..3", e.getMessage());
    }

    @Test
    void optionsAreFoundForEveryMultipleChoiceTaskAndHoldItsTargets() {
        assumeTrue(Files.isDirectory(OFFICIAL), "no BBH data at " + OFFICIAL.toAbsolutePath());
        List<String> withOptions = new ArrayList<>();
        for (BbhTask t : BbhTasks.open(OFFICIAL).loadAll()) {
            if (!BbhOptions.available(t)) {
                continue;
            }
            withOptions.add(t.name());
            long inside = t.examples().stream()
                    .filter(e -> BbhOptions.of(t, e.input()).orElseThrow().contains(e.target())).count();
            // the official data has a few targets written out instead of as a letter (ruin_names, movie_recommendation)
            assertTrue(inside >= t.examples().size() - 6, t.name() + ": only " + inside + " of "
                    + t.examples().size() + " targets are among the options");
        }
        List<String> freeForm = new ArrayList<>(BbhTasks.NAMES);
        freeForm.removeAll(withOptions);
        assertEquals(List.of("dyck_languages", "multistep_arithmetic_two", "object_counting", "word_sorting"),
                freeForm);
    }

    @Test
    void optionsOfEachKind() {
        BbhTask bools = task("boolean_expressions", "True", "False", "True");
        assertEquals(Optional.of(List.of("True", "False")), BbhOptions.of(bools, "not True is"));
        BbhTask lettered = task("hyperbaton", "(A)", "(B)");
        assertEquals(Optional.of(List.of("(A)", "(B)", "(C)")),
                BbhOptions.of(lettered, "Which is right?\nOptions:\n(A) big red ball\n(B) red big ball\n(C) none"));
        BbhTask dashed = task("formal_fallacies", "valid", "invalid");
        assertEquals(Optional.of(List.of("valid", "invalid")),
                BbhOptions.of(dashed, "Is the argument valid?\nOptions:\n- valid \n- invalid"));
        BbhTask counting = task("object_counting", "3", "12");
        assertEquals(Optional.empty(), BbhOptions.of(counting, "How many?"));
        assertFalse(BbhOptions.available(counting));
    }

    @Test
    void stopSequencesCutAtTheEarliest() {
        assertEquals("So the answer is (A).", StopSequences.cut("So the answer is (A).\n\nQ: next", StopSequences.BBH_COT));
        assertEquals("a", StopSequences.cut("a\nQ: b\n\n", StopSequences.BBH_COT));
        assertEquals("12", StopSequences.cut("12\nPassage:", StopSequences.ONE_LINE));
        assertEquals("no stop", StopSequences.cut("no stop", StopSequences.ONE_LINE));
        assertEquals(-1, StopSequences.find("x\ny", StopSequences.BBH_COT));
    }

    @Test
    void dropPromptsTakeTheirShotsFromOtherPassages() {
        DropDataset set = DropDataset.sample();
        DropPassage second = set.passages().get(1);
        DropQuestion asked = second.questions().get(2);
        String prompt = DropPrompts.prompt(set, second, asked, 2);
        String[] blocks = prompt.split("\n\n");
        assertEquals(3, blocks.length, prompt);
        DropPassage first = set.passages().get(0);
        DropPassage third = set.passages().get(2);
        assertEquals("Passage: " + first.passage() + "\nQuestion: " + first.questions().get(0).question()
                + "\nAnswer: " + DropPrompts.answerText(first.questions().get(0).answer()), blocks[0]);
        assertTrue(blocks[1].startsWith("Passage: " + third.passage()), blocks[1]);
        assertEquals("Passage: " + second.passage() + "\nQuestion: " + asked.question() + "\nAnswer:", blocks[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DropPrompts.prompt(set, second, asked, 3));
        assertTrue(e.getMessage().contains("has only 2 other passages"), e.getMessage());
        assertEquals("2", DropPrompts.answerText(DropAnswer.ofNumber("2")));
        assertEquals("Bears, Lions", DropPrompts.answerText(DropAnswer.ofSpans(List.of("Bears", "Lions"))));
        assertEquals("March 1998", DropPrompts.answerText(DropAnswer.ofDate("", "March", "1998")));
        assertEquals("12", DropPrompts.extractAnswer(" 12 \t"));
    }

    private static BbhTask task(String name, String... targets) {
        List<BbhExample> examples = new ArrayList<>();
        for (String t : targets) {
            examples.add(new BbhExample("q", t));
        }
        return new BbhTask(name, examples, "d\n\nQ: q\nA: So the answer is x.", "d",
                List.of(new BbhExemplar("q", "So the answer is x.", "x")));
    }
}

package dev.mhcspark.datasets.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BBH loader on the official repository layout (../shared/data/bbh when present) and on broken copies. */
class BbhTasksTest {
    /** The official data next to the checkout (tests run in datasets/). */
    private static final Path OFFICIAL = Path.of("..", "..", "shared", "data", "bbh");

    @TempDir
    Path tmp;

    @Test
    void loadsTheOfficialRepository() {
        assumeTrue(Files.isDirectory(OFFICIAL), "no BBH data at " + OFFICIAL.toAbsolutePath());
        BbhTasks bbh = BbhTasks.open(OFFICIAL);
        assertEquals(BbhTasks.NAMES, bbh.available());
        List<BbhTask> all = bbh.loadAll();
        assertEquals(6511, all.stream().mapToInt(t -> t.examples().size()).sum(), "BBH has 6,511 examples");
        for (BbhTask t : all) {
            assertEquals(3, t.exemplars().size(), t.name());
            assertFalse(t.description().isEmpty(), t.name());
            assertFalse(t.cotPrompt().contains("canary"), t.name());
            for (BbhExemplar e : t.exemplars()) {
                assertFalse(e.answer().isEmpty() || e.answer().endsWith("."), t.name() + ": " + e.answer());
            }
        }
        BbhTask task = bbh.load("boolean_expressions");
        assertEquals(250, task.examples().size());
        assertEquals(new BbhExample("not ( True ) and ( True ) is", "False"), task.examples().get(0));
        assertEquals("Evaluate the result of a random Boolean expression.", task.description());
        assertEquals(List.of("False", "False", "True"), task.exemplars().stream().map(BbhExemplar::answer).toList());
        assertEquals("not ( ( not not True ) ) is", task.exemplars().get(0).question());
        String cot = task.cotPromptFor("True and False is");
        assertTrue(cot.startsWith("Evaluate the result of a random Boolean expression.\n\n"
                + "Q: not ( ( not not True ) ) is\nA: Let's think step by step.\n"), cot);
        assertTrue(cot.endsWith("So the answer is True.\n\nQ: True and False is\nA: Let's think step by step."), cot);
        String direct = task.directPromptFor("True and False is");
        assertTrue(direct.startsWith("Evaluate the result of a random Boolean expression.\n\n"
                + "Q: not ( ( not not True ) ) is\nA: False\n\nQ: True and False and not True and True is\nA: False"),
                direct);
        assertTrue(direct.endsWith("\n\nQ: True and False is\nA:"), direct);
        assertEquals(List.of("(D)", "(B)", "(B)"),
                bbh.load("date_understanding").exemplars().stream().map(BbhExemplar::answer).toList());
    }

    @Test
    void unknownTaskListsTheKnownOnes() throws Exception {
        BbhTasks bbh = BbhTasks.open(fixture(true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> bbh.load("navigation"));
        assertTrue(e.getMessage().startsWith("unknown BBH task 'navigation'; known tasks: boolean_expressions, "
                + "causal_judgement,"), e.getMessage());
        assertTrue(e.getMessage().contains("navigate"));
        // a real task whose file is not in this copy
        e = assertThrows(IllegalArgumentException.class, () -> bbh.load("snarks"));
        assertTrue(e.getMessage().contains("snarks.json: no such file; tasks present in"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": navigate"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutPromptsIsAClearError() throws Exception {
        Path dir = fixture(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BbhTasks.open(dir));
        assertTrue(e.getMessage().contains("cot-prompts: no such directory"), e.getMessage());
        assertTrue(e.getMessage().contains("tasks/<task>.json and cot-prompts/<task>.txt"), e.getMessage());
        // the directory is there but this task's prompt is not
        Files.createDirectories(dir.resolve("cot-prompts"));
        BbhTasks bbh = BbhTasks.open(dir);
        e = assertThrows(IllegalArgumentException.class, () -> bbh.load("navigate"));
        assertTrue(e.getMessage().contains("navigate.txt: no such file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BbhTasks.open(tmp.resolve("nowhere")));
        assertTrue(e.getMessage().contains("nowhere: no such directory"), e.getMessage());
    }

    @Test
    void malformedFilesNameFileLineAndField() throws Exception {
        Path dir = fixture(true);
        Files.writeString(dir.resolve("tasks/navigate.json"), "{\"examples\": [\n{\"input\": \"x\", \"target\": }]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BbhTasks.open(dir).load("navigate"));
        assertTrue(e.getMessage().matches(".*navigate\\.json:2: not valid JSON: .*"), e.getMessage());
        Files.writeString(dir.resolve("tasks/navigate.json"), "{\"examples\": [{\"input\": \"x\"}]}");
        e = assertThrows(IllegalArgumentException.class, () -> BbhTasks.open(dir).load("navigate"));
        assertTrue(e.getMessage().contains("navigate.json: examples[0]: expected string fields 'input' and 'target'"),
                e.getMessage());
        Files.writeString(dir.resolve("tasks/navigate.json"), "{\"canary\": \"x\"}");
        e = assertThrows(IllegalArgumentException.class, () -> BbhTasks.open(dir).load("navigate"));
        assertTrue(e.getMessage().contains("field 'examples' missing"), e.getMessage());
        Files.writeString(dir.resolve("tasks/navigate.json"), "{\"examples\": []}");
        Files.writeString(dir.resolve("cot-prompts/navigate.txt"), "canary\n-----\nJust a description.\n");
        e = assertThrows(IllegalArgumentException.class, () -> BbhTasks.open(dir).load("navigate"));
        assertTrue(e.getMessage().contains("navigate.txt: no 'Q: ... A: ...' exemplars"), e.getMessage());
    }

    /** A one-task copy of the layout (navigate), with or without its prompts directory. */
    private Path fixture(boolean withPrompts) throws Exception {
        Path dir = tmp.resolve("bbh");
        Files.createDirectories(dir.resolve("tasks"));
        Files.writeString(dir.resolve("tasks/navigate.json"), "{\"canary\": \"c\", \"examples\": [{\"input\": "
                + "\"Take 1 step. Turn around. Take 1 step.\", \"target\": \"Yes\"}]}");
        if (withPrompts) {
            Files.createDirectories(dir.resolve("cot-prompts"));
            Files.writeString(dir.resolve("cot-prompts/navigate.txt"), "canary line\n-----\nGo places.\n\n"
                    + "Q: Take 2 steps.\nA: Let's think step by step.\nWe moved. So the answer is No.");
        }
        return dir;
    }
}

package dev.mhcspark.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The headless runner itself, on small check notes (src/test/resources/check-notes): it really runs Scala and SQL
 * paragraphs (closures included), injects parameters, and fails naming note and paragraph for a paragraph that does
 * not compile, throws at run time, or has bad SQL.
 */
class NoteRunnerTest {
    private static final Path NOTES = Path.of("src", "test", "resources", "check-notes");

    @TempDir
    static Path tmp;

    /** One session for every check note here: a failing paragraph leaves the REPL and Spark usable. */
    private static NoteSession session;

    @BeforeAll
    static void start() {
        session = NoteSession.start(tmp);
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    @Test
    void runsEveryParagraphWithClosuresAndInjectedParameters() {
        ZeppelinNote note = ZeppelinNote.read(NOTES.resolve("closures.zpln"));
        assertEquals(List.of("md", "spark", "spark", "spark.sql"),
                note.paragraphs().stream().map(ZeppelinNote.NoteParagraph::interpreter).toList());
        NoteSession.NoteRun run = session.run(note, Map.of("factor", "3", "label", "\"injected\""));
        // sum over 1..100 of 3i, computed on executors from a closure the REPL compiled
        assertTrue(run.results().get(2).output().contains("label=injected sum=15150.0"), run.results().get(2).output());
        NoteSession.ParagraphResult sql = run.results().get(3);
        assertEquals(1, sql.rows().size());
        assertEquals(3L * 5050, sql.rows().get(0).getLong(0));
        assertEquals(100L, sql.rows().get(0).getLong(1));
    }

    @Test
    void aParagraphThatDoesNotCompileFailsNamingNoteAndParagraph() {
        ParagraphFailure failure = runExpectingFailure("broken-scala.zpln", Map.of());
        assertEquals(2, failure.paragraph().index());
        assertTrue(failure.getMessage().startsWith("note 'check/broken scala' (" + NOTES.resolve("broken-scala.zpln")
                + "), paragraph 2 'Does not compile' (%spark) failed: "), failure.getMessage());
        assertTrue(failure.getMessage().contains("type mismatch"), failure.getMessage());
    }

    @Test
    void aParagraphThatThrowsFailsWithTheException() {
        ParagraphFailure failure = runExpectingFailure("broken-runtime.zpln", Map.of());
        assertEquals(1, failure.paragraph().index());
        assertTrue(failure.getMessage().contains("paragraph 1 'Reads a missing directory' (%spark) failed"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("PATH_NOT_FOUND") || failure.getMessage().contains("does not exist"),
                failure.getMessage());
    }

    @Test
    void badSqlFailsNamingTheStatement() {
        ParagraphFailure failure = runExpectingFailure("broken-sql.zpln", Map.of());
        assertEquals(1, failure.paragraph().index());
        assertTrue(failure.getMessage().contains("(%spark.sql) failed: statement 'SELECT no_such_column FROM range(3)'"),
                failure.getMessage());
    }

    @Test
    void aChartOverAColumnTheQueryNoLongerReturnsFails() {
        assertEquals(Map.of(0, "total", 1, "n"), ZeppelinNote.read(NOTES.resolve("closures.zpln")).paragraphs().get(3)
                .chartColumns());
        ParagraphFailure failure = runExpectingFailure("broken-chart.zpln", Map.of());
        assertTrue(failure.getMessage().contains("paragraph 1 'Chart of a renamed column' (%spark.sql) failed: its chart "
                + "uses column 1 'loss' but the result's columns are step, loss_renamed"), failure.getMessage());
    }

    @Test
    void aParameterTheNoteDoesNotDeclareIsRefused() {
        ParagraphFailure failure = runExpectingFailure("closures.zpln", Map.of("runDirs", "Seq()"));
        assertTrue(failure.getMessage().contains("paragraph 1 'Parameters' (%spark) failed: declares no 'val runDirs'"),
                failure.getMessage());
    }

    @Test
    void sqlIsSplitAtSemicolonsOutsideQuotesAndComments() {
        assertEquals(List.of("SELECT ';' AS a", "SELECT 2 -- x; y", "/* ; */ SELECT `a;b` FROM t"),
                SqlStatements.split("SELECT ';' AS a;\nSELECT 2 -- x; y\n;\n-- only a comment;\n;/* ; */ SELECT `a;b` "
                        + "FROM t;"));
    }

    private static ParagraphFailure runExpectingFailure(String file, Map<String, String> parameters) {
        ZeppelinNote note = ZeppelinNote.read(NOTES.resolve(file));
        return assertThrows(ParagraphFailure.class, () -> session.run(note, parameters));
    }
}

package dev.mhcspark.notebooks;

import dev.mhcspark.notebooks.ZeppelinNote.NoteParagraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The headless stand-in for one Zeppelin note's Spark interpreter: a local Spark session and a Scala REPL of its own
 * (a fresh one per note, so no note can lean on definitions another note made), which runs every paragraph in order
 * and fails on the first one that does not compile or run.
 *
 * <p>Parameters: each note's paragraph titled {@value #PARAMETERS_TITLE} declares its inputs as {@code val}s with
 * placeholder paths. The runner runs that paragraph as written (so it must compile), then re-binds each given name to
 * the given Scala expression; every later paragraph sees the new value. A name the paragraph does not declare is an
 * error, so a renamed parameter cannot silently leave a note on its placeholder.
 */
final class NoteSession implements AutoCloseable {
    static final String PARAMETERS_TITLE = "Parameters";
    /** Zeppelin's default {@code zeppelin.spark.maxResult}: a SQL paragraph displays at most this many rows. */
    static final int MAX_RESULT = 1000;

    /** What one paragraph did: its REPL output (%spark) or the rows of its last statement (%spark.sql). */
    record ParagraphResult(NoteParagraph paragraph, String output, StructType schema, List<Row> rows) {
    }

    /** A note that ran to the end. */
    record NoteRun(ZeppelinNote note, List<ParagraphResult> results) {
        ParagraphResult byTitle(String title) {
            return results.stream().filter(r -> title.equals(r.paragraph().title())).findFirst()
                    .orElseThrow(() -> new AssertionError(note.describe() + " has no paragraph titled '" + title + "'"));
        }
    }

    private final SparkSession spark;
    private final ScalaRepl repl;

    private NoteSession(SparkSession spark, ScalaRepl repl) {
        this.spark = spark;
        this.repl = repl;
    }

    /** A new Spark session ({@code local[2]}) and REPL; their compiled classes go to a new directory under workDir. */
    static NoteSession start(Path workDir) {
        Path classes;
        try {
            classes = Files.createTempDirectory(Files.createDirectories(workDir), "repl-classes-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (scala.Option<SparkSession> open : List.of(SparkSession.getActiveSession(), SparkSession.getDefaultSession())) {
            if (open.isDefined() && !open.get().sparkContext().isStopped()) {
                throw new IllegalStateException("a Spark session is still open; each note needs its own");
            }
        }
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        SparkSession spark = SparkSession.builder().master("local[2]").appName("notebook check")
                .config("spark.repl.class.outputDir", classes.toString())
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                // tiny test data: Spark's 200 shuffle partitions would only cost time
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        try {
            return new NoteSession(spark, new ScalaRepl(classes, spark));
        } catch (RuntimeException e) {
            spark.stop();
            throw e;
        }
    }

    SparkSession spark() {
        return spark;
    }

    /**
     * Runs every paragraph of the note in order: {@code %spark} through the REPL, {@code %spark.sql} statement by
     * statement through {@code spark.sql} (taking up to {@value #MAX_RESULT} + 1 rows, as Zeppelin does to display
     * them), {@code %md} not at all (text).
     *
     * @param parameters parameter name -> Scala expression that replaces the placeholder
     * @throws ParagraphFailure naming the note and paragraph, for the first paragraph that fails
     */
    NoteRun run(ZeppelinNote note, Map<String, String> parameters) {
        NoteParagraph parametersParagraph = parametersParagraph(note);
        for (String name : parameters.keySet()) {
            if (!Pattern.compile("\\bval\\s+" + Pattern.quote(name) + "\\b").matcher(parametersParagraph.script())
                    .find()) {
                throw new ParagraphFailure(note, parametersParagraph, "declares no 'val " + name + "' (parameters it "
                        + "declares: " + parametersParagraph.script().strip() + ")", null);
            }
        }
        List<ParagraphResult> results = new ArrayList<>();
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        thread.setContextClassLoader(repl.classLoader());
        try {
            for (NoteParagraph p : note.paragraphs()) {
                results.add(runParagraph(note, p, p == parametersParagraph ? parameters : Map.of()));
            }
        } finally {
            thread.setContextClassLoader(original);
        }
        return new NoteRun(note, List.copyOf(results));
    }

    private ParagraphResult runParagraph(ZeppelinNote note, NoteParagraph p, Map<String, String> parameters) {
        long started = System.nanoTime();
        ParagraphResult result = switch (p.interpreter()) {
            case "md" -> new ParagraphResult(p, "", null, List.of());
            case "spark" -> runScala(note, p, parameters);
            case "spark.sql" -> runSql(note, p);
            default -> throw new ParagraphFailure(note, p, "interpreter %" + p.interpreter() + " is not checked "
                    + "headlessly; notes may use %spark, %spark.sql and %md", null);
        };
        System.err.printf("  %s %s: ok (%.1f s)%n", note.file().getFileName(), p.describe(),
                (System.nanoTime() - started) / 1e9);
        return result;
    }

    private ParagraphResult runScala(ZeppelinNote note, NoteParagraph p, Map<String, String> parameters) {
        ScalaRepl.Result result = repl.run(p.script());
        if (!result.success()) {
            throw new ParagraphFailure(note, p, result.output(), null);
        }
        StringBuilder output = new StringBuilder(result.output());
        Map<String, String> ordered = new LinkedHashMap<>(parameters);
        for (Map.Entry<String, String> parameter : ordered.entrySet()) {
            ScalaRepl.Result bound = repl.run("val " + parameter.getKey() + " = " + parameter.getValue());
            if (!bound.success()) {
                throw new ParagraphFailure(note, p, "cannot set parameter " + parameter.getKey() + ": "
                        + bound.output(), null);
            }
            output.append(bound.output());
        }
        return new ParagraphResult(p, output.toString(), null, List.of());
    }

    private ParagraphResult runSql(ZeppelinNote note, NoteParagraph p) {
        List<String> statements = SqlStatements.split(p.script());
        if (statements.isEmpty()) {
            throw new ParagraphFailure(note, p, "no SQL statement", null);
        }
        StructType schema = null;
        List<Row> rows = List.of();
        for (String statement : statements) {
            try {
                Dataset<Row> df = spark.sql(statement);
                schema = df.schema();
                rows = df.takeAsList(MAX_RESULT + 1);
            } catch (Exception e) { // AnalysisException is checked in Java's eyes, thrown unchecked by Scala
                throw new ParagraphFailure(note, p, "statement '" + statement + "': " + e.getMessage(), e);
            }
        }
        // a saved chart names result columns by position: they must still be there after an edit of the query
        for (Map.Entry<Integer, String> column : p.chartColumns().entrySet()) {
            String[] names = schema.fieldNames();
            if (column.getKey() >= names.length || !names[column.getKey()].equals(column.getValue())) {
                throw new ParagraphFailure(note, p, "its chart uses column " + column.getKey() + " '"
                        + column.getValue() + "' but the result's columns are " + String.join(", ", names), null);
            }
        }
        return new ParagraphResult(p, "", schema, rows);
    }

    private static NoteParagraph parametersParagraph(ZeppelinNote note) {
        List<NoteParagraph> found = note.paragraphs().stream()
                .filter(p -> PARAMETERS_TITLE.equals(p.title()) && p.interpreter().equals("spark")).toList();
        if (found.size() != 1) {
            throw new AssertionError(note.describe() + ": expected one %spark paragraph titled '" + PARAMETERS_TITLE
                    + "', found " + found.size());
        }
        return found.get(0);
    }

    @Override
    public void close() {
        try {
            repl.close();
        } finally {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
        }
    }
}

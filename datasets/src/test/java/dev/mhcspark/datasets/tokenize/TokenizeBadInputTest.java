package dev.mhcspark.datasets.tokenize;

import static dev.mhcspark.datasets.tokenize.TokenizeJobTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.DatasetManifest;
import dev.mhcspark.datasets.tokenize.CorpusSettings.DocSplit;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InputFormat;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InvalidUtf8Policy;
import dev.mhcspark.datasets.tokenize.CorpusSettings.TextNormalization;
import dev.mhcspark.datasets.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input fails with a message that names the file and what was expected, and writes nothing. */
class TokenizeBadInputTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        TokenizeJobTest.startSpark();
    }

    @AfterAll
    static void stopSpark() {
        TokenizeJobTest.stopSpark();
    }

    private static TokenizeSettings settings(Path input, Path output, InvalidUtf8Policy utf8, boolean skipBad,
                                             boolean overwrite) {
        CorpusSettings corpus = new CorpusSettings(List.of(input.toString()), DocSplit.FILE, InputFormat.AUTO, "text",
                TextNormalization.NFC, utf8, skipBad, 1 << 16);
        return new TokenizeSettings(corpus, output.toString(), "byte", 8, 0.0, 1, false, overwrite);
    }

    private static TokenizeSettings settings(Path input, Path output) {
        return settings(input, output, InvalidUtf8Policy.FAIL, false, false);
    }

    /** The message a user sees: the job unwraps Spark's task failures down to our own exception. */
    private static String failure(TokenizeSettings settings) {
        return assertThrows(IllegalArgumentException.class, () -> run(settings, ByteTokenizer.INSTANCE))
                .getMessage();
    }

    private void assertNothingWritten(Path output) throws IOException {
        assertFalse(Files.exists(output), output + " must not exist");
        try (Stream<Path> siblings = Files.list(output.getParent())) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().startsWith("." + output
                    .getFileName() + ".tmp")).toList(), "temporary output must be cleaned up");
        }
    }

    @Test
    void missingInput() throws IOException {
        Path out = tmp.resolve("out");
        String message = failure(settings(tmp.resolve("nope.txt"), out));
        assertTrue(message.contains("nope.txt") && message.contains("no such file"), message);
        assertNothingWritten(out);
    }

    @Test
    void emptyInput() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(dir.resolve("a.txt"), "");
        Files.writeString(dir.resolve("b.txt"), " \n\t\n");
        Path out = tmp.resolve("out");
        String message = failure(settings(dir, out));
        assertTrue(message.contains("no documents") && message.contains("2 empty"), message);
        assertNothingWritten(out);
        Path emptyDir = Files.createDirectories(tmp.resolve("nothing"));
        assertTrue(failure(settings(emptyDir, out)).contains("no files found"));
    }

    @Test
    void invalidUtf8FailsSkipsOrReplacesAsAsked() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(dir.resolve("good.txt"), "good text here");
        Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, ' ', 'o', 'k'});
        Path out = tmp.resolve("out");
        String message = failure(settings(dir, out));
        assertTrue(message.contains("latin1.txt") && message.contains("offset 3")
                && message.contains("--on-invalid-utf8"), message);
        assertNothingWritten(out);

        DatasetManifest skipped = run(settings(dir, tmp.resolve("skip"), InvalidUtf8Policy.SKIP, false, false),
                ByteTokenizer.INSTANCE);
        assertEquals(1, skipped.split("train").documents());
        assertEquals(1L, skipped.droppedDocuments().get("invalid_utf8"));
        assertEquals("skipped", skipped.inputs().get(1).invalidUtf8());

        DatasetManifest replaced = run(settings(dir, tmp.resolve("replace"), InvalidUtf8Policy.REPLACE, false,
                false), ByteTokenizer.INSTANCE);
        assertEquals(2, replaced.split("train").documents());
        // "caf\uFFFD ok" = 3 + 3 + 3 bytes, plus "good text here" (14) and two end-of-document tokens
        assertEquals(14 + 9 + 2, replaced.split("train").tokens());
        assertEquals("replaced", replaced.inputs().get(1).invalidUtf8());
    }

    @Test
    void badJsonLinesNameFileAndLineOrAreSkippedAndCounted() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(dir.resolve("a.jsonl"), "{\"text\": \"fine\"}\n{\"text\": \"also fine\"}\n");
        Files.writeString(dir.resolve("b.jsonl"), "{\"text\": \"ok\"}\n{not json}\n{\"body\": \"x\"}\n"
                + "{\"text\": 42}\n[1]\n");
        Path out = tmp.resolve("out");
        String message = failure(settings(dir, out));
        assertTrue(message.contains("b.jsonl:2") && message.contains("not valid JSON"), message);
        assertNothingWritten(out);  // a.jsonl was tokenized before the failure: still nothing is visible

        DatasetManifest skipped = run(settings(dir, tmp.resolve("skip"), InvalidUtf8Policy.FAIL, true, false),
                ByteTokenizer.INSTANCE);
        assertEquals(4L, skipped.droppedDocuments().get("bad_record"));
        assertEquals(3, skipped.split("train").documents());
    }

    @Test
    void missingJsonFieldAndWrongTypeAreNamed() throws IOException {
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("in")).resolve("c.jsonl"),
                "{\"text\": \"ok\"}\n{\"text\": 42}\n");
        String message = failure(settings(file, tmp.resolve("out")));
        assertTrue(message.contains("c.jsonl:2") && message.contains("non-string \"text\""), message);
    }

    @Test
    void parquetColumnOfTheWrongTypeOrMissing() throws IOException {
        Path dir = tmp.resolve("pq");
        StructType schema = new StructType().add("text", DataTypes.LongType).add("body", DataTypes.StringType);
        TokenizeJobTest.spark.createDataFrame(List.of(RowFactory.create(1L, "x")), schema).coalesce(1).write()
                .parquet(dir.toString());
        Path out = tmp.resolve("out");
        String message = failure(settings(dir, out));
        assertTrue(message.contains(".parquet") && message.contains("column \"text\"")
                && message.contains("int64") && message.contains("expected a string column"), message);
        assertNothingWritten(out);
        TokenizeSettings missing = new TokenizeSettings(new CorpusSettings(List.of(dir.toString()), DocSplit.FILE,
                InputFormat.AUTO, "content", TextNormalization.NFC, InvalidUtf8Policy.FAIL, false, 1 << 16),
                out.toString(), "byte", 8, 0, 1, false, false);
        message = failure(missing);
        assertTrue(message.contains("no column \"content\"") && message.contains("[text, body]"), message);
    }

    @Test
    void existingOutputIsRefusedUnlessOverwrite() throws IOException {
        Path input = Files.writeString(tmp.resolve("a.txt"), "some text to tokenize");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("precious.txt"), "keep me");
        String message = failure(settings(input, out));
        assertTrue(message.contains("already exists") && message.contains("--overwrite"), message);
        assertTrue(Files.exists(out.resolve("precious.txt")));

        run(settings(input, out, InvalidUtf8Policy.FAIL, false, true), ByteTokenizer.INSTANCE);
        assertFalse(Files.exists(out.resolve("precious.txt")));
        assertTrue(Files.exists(out.resolve(DatasetManifest.FILE_NAME)));
    }

    @Test
    void invalidSettingsNameTheFlag() {
        CorpusSettings corpus = CorpusSettings.of(List.of("x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TokenizeSettings(corpus, "y", "byte", 0, 0.1, 1, false, false));
        assertTrue(e.getMessage().startsWith("--seq-len"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TokenizeSettings(corpus, "y", "byte", 8, 1.0, 1, false, false));
        assertTrue(e.getMessage().startsWith("--val-fraction"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CorpusSettings(List.of(), CorpusSettings.DocSplit.FILE,
                InputFormat.AUTO, "text", TextNormalization.NFC, InvalidUtf8Policy.FAIL, false, 1 << 20));
        assertTrue(e.getMessage().startsWith("--input"), e.getMessage());
    }
}

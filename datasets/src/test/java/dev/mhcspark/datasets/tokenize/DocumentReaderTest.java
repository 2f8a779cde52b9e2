package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.tokenize.CorpusSettings.DocSplit;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InputFormat;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InvalidUtf8Policy;
import dev.mhcspark.datasets.tokenize.CorpusSettings.TextNormalization;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain-text documents against a line-by-line oracle, on random text long enough to cross the reader's
 * buffers, with piece sizes small enough that many documents arrive in pieces: joined, a document's pieces must
 * be exactly the oracle's document, and no piece may be longer than the reader promises. And a file read in
 * slices cut at random bytes against the same file read whole.
 */
class DocumentReaderTest {
    /**
     * Blank lines and runs of trailing {@code \r}s are short next to the smallest piece here (8 chars), so no cut
     * falls among the line-end characters a document loses (the reader strips them from its last piece only).
     */
    private static final String[] ATOMS = {"word", "a b", " ", "  x", "\t", "\r", "\u00e9t\u00e9", "\ud83d\ude00",
        "\n", "\n", "\r\n", "\n \n", "\n\n", "\n\t\r\n", "42", "\u3000", "\n\u3000\n"};

    @TempDir
    Path dir;

    @Test
    void documentsJoinedFromTheirPiecesAreTheOraclesDocuments() throws IOException {
        Random random = new Random(11);
        for (int trial = 0; trial < 6; trial++) {
            String text = randomText(random, 150_000, trial % 2 == 1);
            Path file = Files.writeString(dir.resolve("t" + trial + ".txt"), text);
            for (DocSplit mode : DocSplit.values()) {
                for (int pieceChars : new int[] {8, 37, 1000}) {
                    assertSameDocuments(oracle(text, mode), documents(read(whole(file), mode, pieceChars)),
                            "trial " + trial + ", " + mode + ", pieces of " + pieceChars);
                }
            }
        }
    }

    @Test
    void crAndLfAndWhitespaceOnlyLinesEndParagraphs() throws IOException {
        Path file = Files.writeString(dir.resolve("p.txt"),
                "one\r\n\r\n two \n\u3000\nthree\nfour\r\n\t\n\n\nfive \n  ");
        assertEquals(List.of("one", " two ", "three\nfour", "five "),
                documents(read(whole(file), DocSplit.BLANK_LINE, 8)));
        assertEquals(List.of("one", " two ", "three", "four", "five "), documents(read(whole(file), DocSplit.LINE, 8)));
    }

    @Test
    void aFileReadInSlicesCutAtRandomBytesGivesTheDocumentsOfTheWholeFile() throws IOException {
        Random random = new Random(5);
        ObjectMapper json = new ObjectMapper();
        for (int trial = 0; trial < 4; trial++) {
            String text = randomText(random, 40_000, trial % 2 == 1);
            Path txt = Files.writeString(dir.resolve("s" + trial + ".txt"), text);
            StringBuilder lines = new StringBuilder();
            for (String line : text.split("\n")) {
                lines.append(line.isBlank() ? line : json.writeValueAsString(Map.of("text", line))).append('\n');
            }
            Path jsonl = Files.writeString(dir.resolve("s" + trial + ".jsonl"), lines);
            for (Path file : List.of(txt, jsonl)) {
                DocSplit[] modes = {DocSplit.LINE, DocSplit.BLANK_LINE};
                for (DocSplit mode : file == txt ? modes : new DocSplit[] {DocSplit.LINE}) {
                    PartitionStats wholeCounts = new PartitionStats();
                    List<Document> expected = read(List.of(whole(file)), mode, 37, wholeCounts);
                    long size = Files.size(file);
                    for (int cuts : new int[] {1, 2, 7, 60}) {
                        List<FileSlice> slices = randomSlices(whole(file).file(), cuts, random);
                        PartitionStats sliceCounts = new PartitionStats();
                        List<Document> actual = read(slices, mode, 37, sliceCounts);
                        String what = file.getFileName() + ", " + mode + ", " + slices.size() + " slices";
                        assertSameDocuments(documents(expected), documents(actual), what);
                        assertEquals(wholeCounts.emptyDocuments, sliceCounts.emptyDocuments, what);
                        assertEquals(wholeCounts.badRecords, sliceCounts.badRecords, what);
                        for (int d = 0; d < actual.size(); d++) {
                            assertTrue(d == 0 || actual.get(d).id() > actual.get(d - 1).id(), what + ": ids increase");
                            assertEquals(3, actual.get(d).id() >>> 40, what + ": the file's index");
                        }
                    }
                    List<FileSlice> even = FileSlice.cut(whole(file).file(), size / 5, true);
                    assertEquals(size % 5 == 0 ? 5 : 6, even.size());
                    assertSameDocuments(documents(expected), documents(read(even, mode, 37, new PartitionStats())),
                            file.getFileName() + ", " + mode + ", even slices");
                }
            }
        }
    }

    @Test
    void aParquetFileReadInSlicesGivesTheRowsAndRowNumbersOfTheWholeFile() throws IOException {
        MessageType schema = Types.buildMessage().optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType()).named("text").named("rows");
        Path file = dir.resolve("rows.parquet");
        Random random = new Random(9);
        List<Document> written = new ArrayList<>();
        try (ParquetWriter<Group> out = ExampleParquetWriter.builder(
                        new org.apache.hadoop.fs.Path(file.toUri())).withType(schema).withRowGroupSize(4096L)
                .withPageSize(1024).withConf(new Configuration()).build()) {
            SimpleGroupFactory rows = new SimpleGroupFactory(schema);
            for (int i = 0; i < 3000; i++) {
                Group row = rows.newGroup();
                if (i % 17 != 5) {  // else null: counted as empty, but numbered
                    String text = i % 29 == 3 ? " " : randomText(random, 10 + random.nextInt(30), false);
                    row.add("text", text);
                    if (!text.isBlank()) {
                        written.add(new Document(3L << 40 | i, text));
                    }
                }
                out.write(row);
            }
        }
        FileSlice whole = whole(file);
        PartitionStats wholeCounts = new PartitionStats();
        List<Document> expected = read(List.of(whole), DocSplit.FILE, 1000, wholeCounts);
        assertEquals(written, expected, "ids are the file's index and the row number");
        try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
            assertTrue(footer.getRowGroups().size() > 10, footer.getRowGroups().size() + " row groups");
        }
        for (int cuts : new int[] {1, 5, 40}) {
            List<FileSlice> slices = randomSlices(whole.file(), cuts, random);
            PartitionStats sliceCounts = new PartitionStats();
            assertEquals(expected, read(slices, DocSplit.FILE, 1000, sliceCounts), slices.size() + " slices");
            assertEquals(wholeCounts.emptyDocuments, sliceCounts.emptyDocuments);
        }
    }

    @Test
    void aBadRecordInALaterSliceIsLocatedByItsLineAfterTheSlicesFirstByte() throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            lines.append(i == 2345 ? "{not json}" : "{\"text\": \"line " + i + "\"}").append('\n');
        }
        Path file = Files.writeString(dir.resolve("bad.jsonl"), lines);
        FileSlice whole = whole(file);
        long middle = whole.bytes() / 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(List.of(
                new FileSlice(whole.file(), 0, middle), new FileSlice(whole.file(), middle, whole.bytes())),
                DocSplit.LINE, 100, new PartitionStats()));
        Matcher where = Pattern.compile(": line (\\d+) after byte (\\d+): line is not valid JSON")
                .matcher(e.getMessage());
        assertTrue(where.find(), e.getMessage());
        String fromThere = Files.readString(file).substring(Integer.parseInt(where.group(2)));  // ASCII: chars = bytes
        assertEquals("{not json}", fromThere.split("\n")[Integer.parseInt(where.group(1)) - 1]);
        String wholeFile = assertThrows(IllegalArgumentException.class, () -> read(whole, DocSplit.LINE, 100))
                .getMessage();
        assertTrue(wholeFile.contains("bad.jsonl:2346: line is not valid JSON"), wholeFile);
    }

    @Test
    void beyondAsciiOnlyThreeByteCharactersAreWhitespace() {
        // what lets the slice boundary scan skip every other multi-byte sequence without decoding it
        for (int codePoint = 0x80; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            if (Character.isWhitespace(codePoint)) {
                assertEquals(3, new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length,
                        Integer.toHexString(codePoint));
            }
        }
    }

    private static void assertSameDocuments(List<String> expected, List<String> actual, String what) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(visible(expected.get(i)), visible(actual.get(i)),
                    what + ": document " + i + " of " + expected.size());
        }
        assertEquals(expected.size(), actual.size(), what + ": documents");
    }

    private static String visible(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    private record Document(long id, String text) {
    }

    private static FileSlice whole(Path file) throws IOException {
        InputFormat format = InputFormat.AUTO.resolve(file.toString());
        return FileSlice.whole(new InputFile(3, file.toUri().toString(), Files.size(file), "", format, -1));
    }

    private static List<Document> read(FileSlice slice, DocSplit mode, int pieceChars) {
        return read(List.of(slice), mode, pieceChars, new PartitionStats());
    }

    /** The documents of {@code slices}, pieces joined, checking piece sizes and first/last flags. */
    private static List<Document> read(List<FileSlice> slices, DocSplit mode, int pieceChars, PartitionStats counts) {
        CorpusSettings settings = new CorpusSettings(List.of("unused"), mode, InputFormat.AUTO, "text",
                TextNormalization.NONE, InvalidUtf8Policy.FAIL, false, CorpusSettings.DEFAULT_PARTITION_BYTES);
        List<Document> documents = new ArrayList<>();
        StringBuilder current = null;
        long lastId = -1;
        Iterator<DocumentPiece> pieces = DocumentReader.readAll(slices.iterator(), settings, new Configuration(),
                counts, pieceChars);
        while (pieces.hasNext()) {
            DocumentPiece piece = pieces.next();
            boolean cutIntoPieces = slices.get(0).file().format() == InputFormat.TEXT;  // a JSON record comes whole
            assertTrue(!cutIntoPieces || piece.text().length() <= 2 * pieceChars + 1, piece.text().length() + " chars");
            assertEquals(current == null, piece.first());
            if (piece.first()) {
                lastId = piece.docId();
                current = new StringBuilder();
            }
            assertEquals(lastId, piece.docId());
            current.append(piece.text());
            if (piece.last()) {
                documents.add(new Document(lastId, current.toString()));
                current = null;
            }
        }
        assertEquals(null, current, "the last document has no last piece");
        return documents;
    }

    /** {@code file} cut at {@code cuts} random bytes: inside a line, a UTF-8 sequence, a row group, ... */
    private static List<FileSlice> randomSlices(InputFile file, int cuts, Random random) {
        List<Long> offsets = new ArrayList<>(List.of(0L, file.bytes()));
        for (int c = 0; c < cuts; c++) {
            offsets.add(random.nextLong(file.bytes() + 1));
        }
        offsets.sort(null);
        List<FileSlice> slices = new ArrayList<>();
        for (int i = 0; i + 1 < offsets.size(); i++) {
            slices.add(new FileSlice(file, offsets.get(i), offsets.get(i + 1)));
        }
        return slices;
    }

    private static List<String> documents(List<Document> documents) {
        return documents.stream().map(Document::text).toList();
    }

    /** Random atoms up to {@code chars}, now and then a long line, perhaps ending in a whitespace-only line. */
    private static String randomText(Random random, int chars, boolean whitespaceLast) {
        StringBuilder text = new StringBuilder();
        while (text.length() < chars) {
            String atom = ATOMS[random.nextInt(ATOMS.length)];
            // occasionally a long line, so that documents of every mode arrive in many pieces
            text.append(random.nextInt(200) == 0 ? atom.strip().repeat(300) + "y" : atom);
        }
        return whitespaceLast ? text + "   " : text.toString();
    }

    /**
     * Lines are the text between {@code \n}s; a blank line is all whitespace. LINE: each non-blank line, less
     * trailing {@code \r}s. BLANK_LINE: runs of non-blank lines joined by {@code \n}, less trailing {@code \r}s.
     * FILE: the text, unless blank.
     */
    private static List<String> oracle(String text, DocSplit mode) {
        List<String> documents = new ArrayList<>();
        if (mode == DocSplit.FILE) {
            return text.isBlank() ? documents : List.of(text);
        }
        List<String> paragraph = new ArrayList<>();
        for (String line : (text + "\n").split("\n", -1)) {
            boolean blank = line.chars().allMatch(Character::isWhitespace);
            if (mode == DocSplit.LINE && !blank) {
                documents.add(line.replaceAll("\r+$", ""));
            } else if (mode == DocSplit.BLANK_LINE && !blank) {
                paragraph.add(line);
            } else if (mode == DocSplit.BLANK_LINE && !paragraph.isEmpty()) {
                documents.add(String.join("\n", paragraph).replaceAll("\r+$", ""));
                paragraph.clear();
            }
        }
        return documents;
    }
}

package dev.mhcspark.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mhcspark.datasets.tokenize.CorpusSettings.DocSplit;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InputFormat;
import dev.mhcspark.datasets.tokenize.CorpusSettings.InvalidUtf8Policy;
import dev.mhcspark.datasets.tokenize.CorpusSettings.TextNormalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain-text documents against a line-by-line oracle, on random text long enough to cross the reader's
 * buffers, with piece sizes small enough that many documents arrive in pieces: joined, a document's pieces must
 * be exactly the oracle's document, and no piece may be longer than the reader promises.
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
            StringBuilder text = new StringBuilder();
            while (text.length() < 150_000) {
                String atom = ATOMS[random.nextInt(ATOMS.length)];
                // occasionally a long line, so that documents of every mode arrive in many pieces
                text.append(random.nextInt(200) == 0 ? atom.strip().repeat(300) + "y" : atom);
            }
            if (trial % 2 == 1) {
                text.append("   ");  // ends with a line of only whitespace and no line end
            }
            Path file = Files.writeString(dir.resolve("t" + trial + ".txt"), text);
            for (DocSplit mode : DocSplit.values()) {
                for (int pieceChars : new int[] {8, 37, 1000}) {
                    assertSameDocuments(oracle(text.toString(), mode), read(file, mode, pieceChars),
                            "trial " + trial + ", " + mode + ", pieces of " + pieceChars);
                }
            }
        }
    }

    @Test
    void crAndLfAndWhitespaceOnlyLinesEndParagraphs() throws IOException {
        Path file = Files.writeString(dir.resolve("p.txt"),
                "one\r\n\r\n two \n\u3000\nthree\nfour\r\n\t\n\n\nfive \n  ");
        assertEquals(List.of("one", " two ", "three\nfour", "five "), read(file, DocSplit.BLANK_LINE, 8));
        assertEquals(List.of("one", " two ", "three", "four", "five "), read(file, DocSplit.LINE, 8));
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

    /** The documents of {@code text}, pieces joined, checking piece sizes and first/last flags. */
    private List<String> read(Path file, DocSplit mode, int pieceChars) {
        CorpusSettings settings = new CorpusSettings(List.of(file.toString()), mode, InputFormat.TEXT, "text",
                TextNormalization.NONE, InvalidUtf8Policy.FAIL, false, CorpusSettings.DEFAULT_PARTITION_BYTES);
        InputFile input = new InputFile(3, file.toUri().toString(), 0, "", InputFormat.TEXT, -1);
        List<String> documents = new ArrayList<>();
        StringBuilder current = null;
        long lastId = -1;
        try (DocumentReader reader = new DocumentReader(input, settings, new Configuration(), new PartitionStats(),
                pieceChars)) {
            while (reader.hasNext()) {
                DocumentPiece piece = reader.next();
                assertTrue(piece.text().length() <= 2 * pieceChars + 1, piece.text().length() + " chars");
                assertEquals(current == null, piece.first());
                if (piece.first()) {
                    assertTrue(piece.docId() > lastId);
                    lastId = piece.docId();
                    current = new StringBuilder();
                }
                assertEquals(lastId, piece.docId());
                current.append(piece.text());
                if (piece.last()) {
                    documents.add(current.toString());
                    current = null;
                }
            }
        }
        assertEquals(null, current, "the last document has no last piece");
        return documents;
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

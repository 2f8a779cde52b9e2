package dev.mhcspark.datasets.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
    private final PreTokenizer cl100k = new PreTokenizer(PreTokenizer.CL100K_PATTERN);

    @Test
    void splitsLikeCl100k() {
        // punctuation takes the newlines after it; digits come in threes and never take the space before them
        assertEquals(List.of("Hello", ",", " world", "!!\n\n", "I", "'m", " ", " ", "123", "4", " ok"),
                pieces(cl100k, "Hello, world!!\n\nI'm  1234 ok"));
        // the splits behind tiktoken's test_simple_regex: "today\n \n" is [31213, 27907], "today\n " is
        // [31213, 198, 220]
        assertEquals(List.of("today", "\n \n"), pieces(cl100k, "today\n \n"));
        assertEquals(List.of("today", "\n", " "), pieces(cl100k, "today\n "));
    }

    @Test
    void theHandWrittenSplitterFindsTheRegexMatches() {
        Pattern regex = Pattern.compile(PreTokenizer.CL100K_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
        SplittableRandom r = new SplittableRandom(17);
        List<String> texts = new ArrayList<>(List.of("", "'s 'S '\u017f 'D 'll 'LL 'lL 've 'RE 'x 'sa '", "a'",
                "\r\n \n\t x", "  \u00a0\u3000y\u2028\u0085z", "Ⅻ½²٣ 12345", "\ud835\udd18\ud835 x\udc00y"));
        for (int rep = 0; rep < 3000; rep++) {
            texts.add(rep % 3 == 0 ? RandomText.anyCodePoints(r, 40) : rep % 3 == 1 ? RandomText.mixed(r, 30)
                    : RandomText.fromAlphabet(r, " \t\r\n'sSdlLveR1²Ⅻ,.!é\u00a0\u3000\u2028\u0085𝔘", 40));
        }
        for (String text : texts) {
            List<String> expected = new ArrayList<>();
            Matcher m = regex.matcher(text);
            while (m.find()) {
                expected.add(m.group());
            }
            List<String> actual = new ArrayList<>();
            for (int at = 0; at < text.length(); ) {
                int end = Cl100kSplitter.matchEnd(text, at);
                actual.add(text.substring(at, end));
                at = end;
            }
            assertEquals(expected, actual, () -> "text " + text.codePoints()
                    .mapToObj(cp -> String.format("U+%04X", cp)).toList());
        }
    }

    @Test
    void piecesAlwaysConcatenateBackToTheText() {
        SplittableRandom r = new SplittableRandom(3);
        for (int rep = 0; rep < 300; rep++) {
            String s = rep % 2 == 0 ? RandomText.anyCodePoints(r, 80) : RandomText.mixed(r, 40);
            assertEquals(s, String.join("", pieces(cl100k, s)));
        }
    }

    @Test
    void textNoAlternativeMatchesIsAPieceToo() {
        PreTokenizer digitsOnly = new PreTokenizer("[0-9]+");
        assertEquals(List.of("ab", "12", " c", "3", "é"), pieces(digitsOnly, "ab12 c3é"));
        assertEquals(List.of("xyz"), pieces(new PreTokenizer("q*"), "xyz"), "empty matches hold nothing");
    }

    @Test
    void cutsLongPiecesWithoutSplittingSurrogatePairs() {
        String letters = "a".repeat(PreTokenizer.MAX_PIECE_CHARS * 2 + 5);
        assertEquals(List.of(PreTokenizer.MAX_PIECE_CHARS, PreTokenizer.MAX_PIECE_CHARS, 5),
                pieces(cl100k, letters).stream().map(String::length).toList());
        String astral = "𝔘".repeat(PreTokenizer.MAX_PIECE_CHARS);  // letters of 2 chars each, one piece
        List<String> cut = pieces(cl100k, "x" + astral);
        assertEquals("x" + astral, String.join("", cut));
        for (String piece : cut) {
            assertTrue(piece.length() <= PreTokenizer.MAX_PIECE_CHARS);
            assertFalse(Character.isHighSurrogate(piece.charAt(piece.length() - 1)), "cut inside a pair");
        }
    }

    @Test
    void emptyTextHasNoPieces() {
        assertFalse(cl100k.pieces("").hasNext());
    }

    static List<String> pieces(PreTokenizer preTokenizer, String text) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = preTokenizer.pieces(text); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}

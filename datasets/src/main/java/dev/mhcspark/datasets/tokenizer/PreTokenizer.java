package dev.mhcspark.datasets.tokenizer;

import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the pieces that byte-pair merges never cross, GPT style: a regular expression's matches, in
 * order. Two guarantees on top of the regex, so that the pieces always concatenate back to the text: text between
 * matches (which a well-formed pattern never leaves) is a piece of its own, and a piece longer than
 * {@link #MAX_PIECE_CHARS} is cut into chunks of at most that length (never between the two halves of a surrogate
 * pair). The cut bounds the memory and time of merging a pathological piece (a 100 MB run of letters is one match).
 * Immutable and serialisable; iteration is lazy, so a huge text is never split into a list.
 */
final class PreTokenizer implements Serializable {
    /**
     * tiktoken's cl100k_base pattern (as in tiktoken_ext/openai_public.py): contractions, letter runs with one
     * leading non-letter, numbers of up to 3 digits, punctuation runs, newlines and other whitespace. Java's regex
     * has the possessive quantifiers it uses; {@link Pattern#UNICODE_CHARACTER_CLASS} makes {@code \s} Unicode
     * whitespace and {@code (?i)} Unicode case folding, as in tiktoken's Rust regex.
     */
    static final String CL100K_PATTERN = "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*|\\s*[\\r\\n]|\\s+(?!\\S)|\\s+";

    /** Longest piece, in chars; part of the BPE file format (version 1), as it decides how long pieces split. */
    static final int MAX_PIECE_CHARS = 4096;

    private final Pattern pattern;

    /** @throws java.util.regex.PatternSyntaxException if {@code regex} is not a Java regular expression */
    PreTokenizer(String regex) {
        this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    String regex() {
        return pattern.pattern();
    }

    /** The pieces of {@code text}, lazily; their concatenation is {@code text}. */
    Iterator<String> pieces(String text) {
        return new Pieces(pattern.matcher(text), text);
    }

    private static final class Pieces implements Iterator<String> {
        private final Matcher matcher;
        private final String text;
        /** Start of the text not handed out yet. */
        private int position;
        /** End of the span being handed out: a match, or the gap before one. */
        private int spanEnd;
        /** End of the last match; beyond spanEnd while the gap before that match is handed out. */
        private int matchEnd;
        private boolean exhausted;

        Pieces(Matcher matcher, String text) {
            this.matcher = matcher;
            this.text = text;
        }

        @Override
        public boolean hasNext() {
            if (position < spanEnd) {
                return true;
            }
            if (matchEnd > spanEnd) {
                spanEnd = matchEnd;
                return true;
            }
            if (exhausted) {
                return false;
            }
            while (matcher.find()) {
                if (matcher.end() > matcher.start()) {  // an empty match holds nothing; what follows it is a gap
                    matchEnd = matcher.end();
                    spanEnd = matcher.start() > position ? matcher.start() : matchEnd;
                    return true;
                }
            }
            exhausted = true;
            spanEnd = text.length();
            return position < spanEnd;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int end = spanEnd;
            if (end - position > MAX_PIECE_CHARS) {
                end = position + MAX_PIECE_CHARS;
                if (Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--;  // keep the pair together: half a code point has no UTF-8 encoding
                }
            }
            String piece = text.substring(position, end);
            position = end;
            return piece;
        }
    }
}

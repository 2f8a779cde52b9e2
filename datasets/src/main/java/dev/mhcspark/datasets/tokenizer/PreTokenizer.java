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
    /** The pattern is cl100k_base's, whose matches {@link Cl100kSplitter} finds faster. */
    private final boolean cl100k;

    /** @throws java.util.regex.PatternSyntaxException if {@code regex} is not a Java regular expression */
    PreTokenizer(String regex) {
        this.pattern = Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        this.cl100k = regex.equals(CL100K_PATTERN);
    }

    /** The pieces of {@code text}, lazily; their concatenation is {@code text}. */
    Iterator<String> pieces(String text) {
        return new Pieces(text, cl100k ? new Cl100kMatches(text) : new RegexMatches(pattern.matcher(text)));
    }

    /** The non-empty matches of the pattern in a text, in order. */
    private interface Matches {
        /** Finds the next match, sets start and end, or returns false. */
        boolean find();

        int start();

        int end();
    }

    private static final class RegexMatches implements Matches {
        private final Matcher matcher;

        RegexMatches(Matcher matcher) {
            this.matcher = matcher;
        }

        @Override
        public boolean find() {
            while (matcher.find()) {
                if (matcher.end() > matcher.start()) {  // an empty match holds nothing; what follows is a gap
                    return true;
                }
            }
            return false;
        }

        @Override
        public int start() {
            return matcher.start();
        }

        @Override
        public int end() {
            return matcher.end();
        }
    }

    private static final class Cl100kMatches implements Matches {
        private final String text;
        private int start;
        private int end;

        Cl100kMatches(String text) {
            this.text = text;
        }

        @Override
        public boolean find() {
            if (end == text.length()) {
                return false;
            }
            start = end;
            end = Cl100kSplitter.matchEnd(text, start);
            return true;
        }

        @Override
        public int start() {
            return start;
        }

        @Override
        public int end() {
            return end;
        }
    }

    private static final class Pieces implements Iterator<String> {
        private final String text;
        private final Matches matches;
        /** Start of the text not handed out yet. */
        private int position;
        /** End of the span being handed out: a match, or the gap before one. */
        private int spanEnd;
        /** End of the last match; beyond spanEnd while the gap before that match is handed out. */
        private int matchEnd;
        private boolean exhausted;

        Pieces(String text, Matches matches) {
            this.text = text;
            this.matches = matches;
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
            if (matches.find()) {
                matchEnd = matches.end();
                spanEnd = matches.start() > position ? matches.start() : matchEnd;
                return true;
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

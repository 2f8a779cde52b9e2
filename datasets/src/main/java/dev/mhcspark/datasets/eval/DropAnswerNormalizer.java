package dev.mhcspark.datasets.eval;

import java.util.Locale;

/**
 * The official DROP answer normalisation ({@code _normalize_answer} of allennlp-reading-comprehension's
 * {@code drop_eval.py}), character for character:
 *
 * <ol>
 *   <li>split the span on single spaces and hyphens ({@code re.split(" |-", text)});</li>
 *   <li>per token: lower-case; remove ASCII punctuation ({@code string.punctuation}) unless the token is a number to
 *       Python's {@code float()}; if it is a number now, replace it by Python's {@code str(float(token))}
 *       ({@code "12"} and {@code "12.0"} give {@code "12.0"}; {@code "1,000"} loses its comma first and gives
 *       {@code "1000.0"}; {@code "$5"} gives {@code "5.0"}); replace the words {@code a}, {@code an}, {@code the}
 *       by a space ({@code \b(a|an|the)\b}); collapse whitespace;</li>
 *   <li>drop empty tokens and join the rest with single spaces.</li>
 * </ol>
 *
 * Python's notions are kept where Java's differ: whitespace is {@link PythonFloat#isPythonSpace}, a word character
 * for {@code \b} is a letter, a number (categories Nd, Nl, No) or {@code _}, numbers are {@link PythonFloat}.
 * Lower-casing is {@code String.toLowerCase(Locale.ROOT)}, which agrees with Python's {@code str.lower()} except for
 * a handful of characters outside ordinary text. Immutable and thread-safe (stateless).
 */
public final class DropAnswerNormalizer {
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private DropAnswerNormalizer() {
    }

    /** The normalised form of one answer span. */
    public static String normalize(String span) {
        StringBuilder out = new StringBuilder(span.length());
        int start = 0;
        int n = span.length();
        for (int i = 0; i <= n; i++) {
            if (i == n || span.charAt(i) == ' ' || span.charAt(i) == '-') {
                String part = normalizeToken(span.substring(start, i));
                if (!part.isEmpty()) {
                    if (out.length() > 0) {
                        out.append(' ');
                    }
                    out.append(part);
                }
                start = i + 1;
            }
        }
        return out.toString();
    }

    /** One token of {@code re.split(" |-", text)}: lower, punctuation, number, articles, whitespace. */
    static String normalizeToken(String token) {
        if (token.isEmpty()) {
            return token;
        }
        String lower = lower(token);
        Double number = PythonFloat.parse(lower);
        if (number != null) {
            return PythonFloat.repr(number); // a number keeps its punctuation; no article or space is left in it
        }
        String text = removePunctuation(lower);
        if (text != lower) { // the same instance when there was no punctuation: then it is no number either
            number = PythonFloat.parse(text);
            if (number != null) {
                return PythonFloat.repr(number);
            }
        }
        return collapseWhitespace(removeArticles(text));
    }

    private static String lower(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= 128 || c >= 'A' && c <= 'Z') {
                return token.toLowerCase(Locale.ROOT);
            }
        }
        return token;
    }

    private static String removePunctuation(String text) {
        int i = 0;
        while (i < text.length() && PUNCTUATION.indexOf(text.charAt(i)) < 0) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code re.sub(r"\b(a|an|the)\b", " ", text)}: every maximal run of word characters that is an article. */
    private static String removeArticles(String text) {
        StringBuilder out = null;
        int i = 0;
        int copied = 0;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (!isWordChar(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < n) {
                cp = text.codePointAt(i);
                if (!isWordChar(cp)) {
                    break;
                }
                i += Character.charCount(cp);
            }
            int length = i - start;
            if (length <= 3 && isArticle(text, start, length)) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(text, copied, start).append(' ');
                copied = i;
            }
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }

    private static boolean isArticle(String text, int start, int length) {
        return length == 1 && text.charAt(start) == 'a'
                || length == 2 && text.startsWith("an", start)
                || length == 3 && text.startsWith("the", start);
    }

    /** Python's {@code \w} for str patterns: alphanumeric to {@code str.isalnum()}, or underscore. */
    static boolean isWordChar(int cp) {
        if (cp < 128) {
            return cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9' || cp == '_';
        }
        if (Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** {@code " ".join(text.split())}. */
    private static String collapseWhitespace(String text) {
        int n = text.length();
        boolean clean = true;
        for (int i = 0; i < n && clean; i++) {
            char c = text.charAt(i);
            if (PythonFloat.isPythonSpace(c)) {
                clean = c == ' ' && i > 0 && i < n - 1 && text.charAt(i - 1) != ' ';
            }
        }
        if (clean && (n == 0 || text.charAt(n - 1) != ' ')) {
            return text;
        }
        StringBuilder out = new StringBuilder(n);
        int i = 0;
        while (i < n) {
            while (i < n && PythonFloat.isPythonSpace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !PythonFloat.isPythonSpace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(text, start, i);
            }
        }
        return out.toString();
    }
}

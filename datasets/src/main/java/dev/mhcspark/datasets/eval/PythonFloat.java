package dev.mhcspark.datasets.eval;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Python's {@code float(text)} and {@code str(float)}, which the official DROP evaluator uses to recognise and
 * canonicalise numbers ({@code "12"} and {@code "12.0"} both become {@code "12.0"}).
 *
 * <p>{@link #parse} accepts exactly what CPython 3's {@code float(str)} accepts: surrounding whitespace (Python's
 * definition of it), an optional sign, {@code inf}/{@code infinity}/{@code nan} in any case, or decimal digits with an
 * optional point and exponent, single underscores between digits, and Unicode decimal digits (any script). Java's
 * {@code Double.parseDouble} differs (hex floats, {@code d}/{@code f} suffixes, {@code "Infinity"} only), so it is
 * used only on the validated, cleaned-up ASCII form, where both agree and both round correctly.
 *
 * <p>{@link #repr} writes the shortest digits that read back as the same double (ties: the closest to it), in
 * Python's layout: positional when the decimal exponent is in [-4, 16), else scientific with a signed exponent of at
 * least two digits ({@code 1e+16}, {@code 1.5e-05}); {@code nan}, {@code inf}, {@code -inf}. Java's
 * {@code Double.toString} differs in layout ({@code 1.0E7} vs Python's {@code 10000000.0}) and, before JDK 19, is
 * not always the shortest, so neither is used for the digits. What matters for scoring is that both sides of a
 * comparison go through the same function; matching Python's text also keeps per-example output comparable with
 * the official script's.
 */
public final class PythonFloat {
    private static final long EXACT_LONG_LIMIT = 1L << 53;

    private PythonFloat() {
    }

    /** True when Python's {@code float(text)} would succeed. */
    public static boolean isNumber(String text) {
        return cleaned(text) != null;
    }

    /** Python's {@code float(text)}; {@code null} where Python raises {@code ValueError}. */
    public static Double parse(String text) {
        String s = cleaned(text);
        if (s == null) {
            return null;
        }
        switch (s) {
            case "inf": case "+inf": case "infinity": case "+infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf": case "-infinity":
                return Double.NEGATIVE_INFINITY;
            case "nan": case "+nan": case "-nan":
                return Double.NaN;
            default:
                return Double.parseDouble(s);
        }
    }

    /** Python's {@code str(float(text))}, or {@code null} when {@code text} is not a number to Python. */
    public static String canonical(String text) {
        Double d = parse(text);
        return d == null ? null : repr(d);
    }

    /**
     * The validated number in ASCII, lower case, without underscores and surrounding whitespace, or null when it is
     * not a Python float literal.
     */
    private static String cleaned(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        if (start == end || !canStartNumber(text, start, end)) {
            return null;
        }
        StringBuilder out = new StringBuilder(end - start);
        int i = start;
        if (text.charAt(i) == '+' || text.charAt(i) == '-') {
            out.append(text.charAt(i));
            i++;
        }
        int rest = end - i;
        if (rest == 3 || rest == 8) {
            String word = text.substring(i, end).toLowerCase(java.util.Locale.ROOT);
            if (word.equals("inf") || word.equals("infinity") || word.equals("nan")) {
                return out.append(word).toString();
            }
        }
        int before = out.length();
        i = digits(text, i, end, out);
        if (i < 0) {
            return null;
        }
        boolean anyDigit = out.length() > before;
        if (i < end && text.charAt(i) == '.') {
            out.append('.');
            int afterPoint = out.length();
            i = digits(text, i + 1, end, out);
            if (i < 0) {
                return null;
            }
            anyDigit |= out.length() > afterPoint;
        }
        if (!anyDigit) {
            return null;
        }
        if (i < end && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            out.append('e');
            i++;
            if (i < end && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
                out.append(text.charAt(i));
                i++;
            }
            int exponentStart = out.length();
            i = digits(text, i, end, out);
            if (i < 0 || out.length() == exponentStart) {
                return null;
            }
        }
        return i == end ? out.toString() : null;
    }

    /** Cheap rejection of most words: a number starts (after a sign) with a digit, a point, i(nf) or n(an). */
    private static boolean canStartNumber(String text, int start, int end) {
        int i = start;
        char c = text.charAt(i);
        if ((c == '+' || c == '-') && i + 1 < end) {
            c = text.charAt(++i);
        }
        return c >= '0' && c <= '9' || c == '.' || c == 'i' || c == 'I' || c == 'n' || c == 'N'
                || c >= 128 && isDecimalDigit(text.codePointAt(i));
    }

    /**
     * Appends a run of decimal digits (any script, as ASCII) with single underscores between digits; returns the
     * index after the run, or -1 when an underscore is misplaced.
     */
    private static int digits(String text, int from, int end, StringBuilder out) {
        int i = from;
        boolean lastWasDigit = false;
        while (i < end) {
            int cp = text.codePointAt(i);
            int value = cp < 128 ? (cp >= '0' && cp <= '9' ? cp - '0' : -1)
                    : Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER ? Character.digit(cp, 10) : -1;
            if (value >= 0) {
                out.append((char) ('0' + value));
                lastWasDigit = true;
                i += Character.charCount(cp);
            } else if (cp == '_') {
                if (!lastWasDigit || i + 1 >= end || !isDecimalDigit(text.codePointAt(i + 1))) {
                    return -1;
                }
                lastWasDigit = false;
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static boolean isDecimalDigit(int cp) {
        return cp >= '0' && cp <= '9' || cp >= 128 && Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
    }

    /** Python's {@code str.isspace()} for one character (what {@code str.split()} and {@code strip()} use). */
    public static boolean isPythonSpace(int c) {
        if (c <= ' ') {
            return c == ' ' || c >= 9 && c <= 13 || c >= 28 && c <= 31;
        }
        return c == 0x85 || c == 0xA0 || c == 0x1680 || c >= 0x2000 && c <= 0x200A || c == 0x2028 || c == 0x2029
                || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** Python's {@code repr(d)} (= {@code str(d)}). */
    public static String repr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-0.0" : "0.0";
        }
        double abs = Math.abs(d);
        if (abs < 1e16 && abs == Math.rint(abs) && abs < EXACT_LONG_LIMIT) {
            return Long.toString((long) d) + ".0"; // the common case: integers print positionally with ".0"
        }
        String body = abs >= Double.MIN_NORMAL ? shortDigits(abs) : null;
        if (body == null) {
            body = exactDigits(abs);
        }
        return d < 0 ? "-" + body : body;
    }

    /**
     * Java's digits of a normal double when there are at most 15 of them: they are then the shortest (two different
     * decimals of at most 15 significant digits never read as the same normal double, DBL_DIG = 15), hence Python's.
     * Null otherwise. (Subnormals have less precision: Java writes 4.9E-324 where the shortest is 5e-324.)
     */
    private static String shortDigits(double abs) {
        String s = Double.toString(abs); // "123.45" or "1.2345E-7"
        int e = s.indexOf('E');
        String mantissa = e < 0 ? s : s.substring(0, e);
        int exp10 = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
        int point = mantissa.indexOf('.');
        String all = mantissa.substring(0, point) + mantissa.substring(point + 1);
        int decimalPoint = point + exp10;
        int first = 0;
        while (first < all.length() - 1 && all.charAt(first) == '0') {
            first++;
            decimalPoint--;
        }
        int last = all.length();
        while (last > first + 1 && all.charAt(last - 1) == '0') {
            last--;
        }
        String digits = all.substring(first, last);
        return digits.length() <= 15 ? layout(digits, decimalPoint) : null;
    }

    /** The shortest digits that read back as {@code abs}, the closest to it among those, from its exact value. */
    private static String exactDigits(double abs) {
        BigDecimal exact = new BigDecimal(abs);
        String digits = null;
        int exponent = 0; // value = 0.digits * 10^exponent
        for (int precision = 1; precision <= 17 && digits == null; precision++) {
            BigDecimal best = null;
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.FLOOR,
                    RoundingMode.CEILING}) {
                BigDecimal candidate = exact.round(new MathContext(precision, mode));
                if (candidate.doubleValue() == abs && (best == null
                        || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                BigDecimal stripped = best.stripTrailingZeros();
                digits = stripped.unscaledValue().toString();
                exponent = digits.length() - stripped.scale();
            }
        }
        return layout(digits, exponent);
    }

    /** Python's float_repr_style 'short' layout of {@code 0.digits * 10^decimalPoint}. */
    private static String layout(String digits, int decimalPoint) {
        int n = digits.length();
        if (decimalPoint > -4 && decimalPoint <= 16) {
            if (decimalPoint <= 0) {
                return "0." + "0".repeat(-decimalPoint) + digits;
            }
            if (decimalPoint >= n) {
                return digits + "0".repeat(decimalPoint - n) + ".0";
            }
            return digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
        }
        int exp = decimalPoint - 1;
        String mantissa = n == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String e = Integer.toString(Math.abs(exp));
        return mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
}

package dev.mhcspark.datasets.eval;

/** Python's {@code str.strip()} and blank test, whose whitespace is not Java's ({@link PythonFloat#isPythonSpace}). */
final class PythonStrings {
    private PythonStrings() {
    }

    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && PythonFloat.isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && PythonFloat.isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** {@code s.strip() == ""}. */
    static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!PythonFloat.isPythonSpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}

package org.tarpo4j.models.tokenizer;

/** Python string semantics that chat templates rely on. */
final class PythonStrings {
    private PythonStrings() {}

    /**
     * Python's {@code str.strip()} (and so Jinja's {@code trim} filter): removes leading and trailing characters
     * for which {@code str.isspace()} is true. Unlike Java's {@link String#strip()}, that includes U+0085, U+00A0,
     * U+2007 and U+202F.
     */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) start++;
        while (end > start && isSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** Python 3's {@code str.isspace()} for one character (all such characters are in the BMP). */
    static boolean isSpace(char c) {
        return (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= ' ') || c == '\u0085' || c == '\u00a0'
                || c == '\u1680' || (c >= '\u2000' && c <= '\u200a') || c == '\u2028' || c == '\u2029'
                || c == '\u202f' || c == '\u205f' || c == '\u3000';
    }
}

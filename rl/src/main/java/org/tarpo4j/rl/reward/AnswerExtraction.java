package org.tarpo4j.rl.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text helpers shared by the answer rewards: the answer marker rule, the last number, {@code \boxed{...}} and
 * LaTeX math spans.
 */
public final class AnswerExtraction {
    /** The answer marker of the method's prompt format {@code "{reasoning} #### {answer}"}. */
    public static final String DEFAULT_MARKER = "####";

    // a '-' is a sign only where it cannot be a binary minus, i.e. not right after a digit, letter or closing bracket
    private static final Pattern SIGNED_NUMBER =
            Pattern.compile("(?:(?<![0-9A-Za-z)\\]}])[-\u2212])?(?:\\d+(?:,\\d+)*(?:\\.\\d+)?|\\.\\d+)");

    // what may surround the single number of a prose answer such as "The answer is 36."
    private static final Pattern PROSE = Pattern.compile("[\\p{L}\\s.,:;!?'\"$]*");

    private AnswerExtraction() {}

    /**
     * How many times {@code marker} occurs in {@code text}, overlapping occurrences included, so that
     * {@code "#####"} holds {@code "####"} twice: a run of five {@code #} is not a well-formed marker.
     *
     * @param text   any text
     * @param marker a non-empty marker
     * @return the count
     */
    public static int countOccurrences(String text, String marker) {
        requireMarker(marker);
        int count = 0;
        for (int i = text.indexOf(marker); i >= 0; i = text.indexOf(marker, i + 1)) count++;
        return count;
    }

    /**
     * The text after {@code marker} when it occurs exactly once (see {@link #countOccurrences}), untrimmed;
     * empty when it is absent or repeated.
     *
     * @param text   a completion
     * @param marker the answer marker
     * @return the text after the only marker, or empty
     */
    public static Optional<String> afterSingleMarker(String text, String marker) {
        if (countOccurrences(text, marker) != 1) return Optional.empty();
        return Optional.of(text.substring(text.indexOf(marker) + marker.length()));
    }

    /**
     * The text after the last {@code marker}, untrimmed; empty when there is none.
     *
     * @param text   a completion
     * @param marker a non-empty answer marker
     * @return the text after the last marker, or empty
     * @throws IllegalArgumentException if {@code marker} is null or empty
     */
    public static Optional<String> afterLastMarker(String text, String marker) {
        requireMarker(marker);
        int at = text.lastIndexOf(marker);
        return at < 0 ? Optional.empty() : Optional.of(text.substring(at + marker.length()));
    }

    /**
     * The last number in {@code text} as written there, sign and thousands separators included (e.g. {@code "-1,000.5"};
     * a comma belongs to a number only between digits).
     * A minus counts as a sign only where it cannot be a subtraction: in {@code "10-5"} the last number is {@code 5}.
     *
     * @param text any text
     * @return the last number, or empty
     */
    public static Optional<String> lastNumber(String text) {
        Matcher m = SIGNED_NUMBER.matcher(text);
        String last = null;
        while (m.find()) last = m.group();
        return Optional.ofNullable(last).map(s -> s.replace('\u2212', '-'));
    }

    /**
     * The number of a prose answer: the only number in {@code text}, everything else being letters, spaces, {@code $}
     * or sentence punctuation ({@code "The answer is 36."} gives {@code 36}); empty otherwise. Stricter than
     * {@link #lastNumber}, whose answer would be wrong for maths such as {@code \frac{17}{6}}, {@code (1, 6)} or
     * {@code x^2}.
     *
     * @param text a prose answer
     * @return its only number, or empty
     */
    public static Optional<String> loneNumber(String text) {
        Matcher m = SIGNED_NUMBER.matcher(text);
        if (!m.find()) return Optional.empty();
        String number = m.group();
        String rest = text.substring(0, m.start()) + text.substring(m.end());
        if (m.find() || !PROSE.matcher(rest).matches()) return Optional.empty();
        return Optional.of(number.replace('\u2212', '-'));
    }

    /**
     * Whether {@code text} contains a box command ({@code \boxed} or {@code \fbox}) at all, balanced or not.
     *
     * @param text any text
     * @return whether it contains {@code \\boxed} or {@code \\fbox}
     */
    public static boolean hasBox(String text) {
        return text.contains("\\boxed") || text.contains("\\fbox");
    }

    /**
     * The content of the last {@code \boxed{...}} or {@code \fbox{...}} (braces balanced), or of the last
     * {@code \boxed x} (brace-less form: up to the next {@code $} or the end); empty when there is none or its braces
     * never close.
     *
     * @param text any text
     * @return the last box's content, or empty
     */
    public static Optional<String> lastBoxed(String text) {
        int boxed = text.lastIndexOf("\\boxed");
        int fbox = text.lastIndexOf("\\fbox");
        int start = Math.max(boxed, fbox);
        if (start < 0) return Optional.empty();
        int afterCommand = start + (start == boxed ? "\\boxed".length() : "\\fbox".length());
        if (afterCommand < text.length() && text.charAt(afterCommand) == ' ') {
            String rest = text.substring(afterCommand + 1);
            int dollar = rest.indexOf('$');
            return Optional.of(dollar >= 0 ? rest.substring(0, dollar) : rest);
        }
        int open = text.indexOf('{', afterCommand);
        if (open < 0 || !text.substring(afterCommand, open).isBlank()) return Optional.empty();
        int close = matchingBrace(text, open);
        return close < 0 ? Optional.empty() : Optional.of(text.substring(open + 1, close));
    }

    /** Index of the {@code }} closing the {@code {} at {@code open}, or -1. */
    static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }

    /**
     * The content of the last complete LaTeX math span: {@code $...$}, {@code $$...$$}, {@code \(...\)} or
     * {@code \[...\]}. An escaped dollar {@code \$} is not a delimiter.
     *
     * @param text any text
     * @return the last span's content, or empty
     */
    public static Optional<String> lastLatexSpan(String text) {
        List<String> spans = latexSpans(text);
        return spans.isEmpty() ? Optional.empty() : Optional.of(spans.get(spans.size() - 1));
    }

    /**
     * Every complete math span of {@code text}, in order (see {@link #lastLatexSpan}).
     *
     * @param text any text
     * @return the spans' contents, in order
     */
    public static List<String> latexSpans(String text) {
        List<String> spans = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            String close = null;
            int contentStart = -1;
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(i + 1);
                if (next == '(') close = "\\)";
                else if (next == '[') close = "\\]";
                if (close == null) { // an escaped character or a command: never a delimiter
                    i += 2;
                    continue;
                }
                contentStart = i + 2;
            } else if (c == '$') {
                close = text.startsWith("$$", i) ? "$$" : "$";
                contentStart = i + close.length();
            }
            if (close == null) {
                i++;
                continue;
            }
            int end = indexOfUnescaped(text, close, contentStart);
            if (end < 0) break; // an unclosed span ends the search: nothing after it is a complete span
            spans.add(text.substring(contentStart, end));
            i = end + close.length();
        }
        return spans;
    }

    /** First index of {@code delimiter} at or after {@code from} that is not escaped by a backslash, or -1. */
    private static int indexOfUnescaped(String text, String delimiter, int from) {
        // "\)" and "\]" begin with the backslash themselves, so only '$' can be escaped
        boolean escapable = delimiter.charAt(0) == '$';
        for (int i = from; i < text.length(); i++) {
            if (escapable && text.charAt(i) == '\\') {
                i++;
                continue;
            }
            if (text.startsWith(delimiter, i)) return i;
        }
        return -1;
    }

    static void requireMarker(String marker) {
        if (marker == null || marker.isEmpty()) throw new IllegalArgumentException("the answer marker must be non-empty");
    }
}

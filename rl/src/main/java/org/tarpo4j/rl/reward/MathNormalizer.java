package org.tarpo4j.rl.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The string normalisation of the Hendrycks MATH benchmark ({@code strip_string} of its {@code math_equivalence.py}),
 * after which two answers are equal iff their strings are equal.
 *
 * <p>Additions, as the released TARPO/HRPO evaluation normalises: {@code \mbox} is read as {@code \text}; after the
 * units rule, a remaining {@code \text{X}} is unwrapped to {@code X} ({@code \text{Evelyn}} = {@code Evelyn},
 * {@code (\text{E})} = {@code (E)}); and the result is lower-cased ({@code \text{VW}} = {@code vw}).
 *
 * <p>Differences from the Python original, all where it would raise (and {@code is_equiv} fall back to comparing the
 * raw strings) or where the method asks for more:
 * <ul>
 *   <li>a plain {@code %} is removed as well as {@code \%};</li>
 *   <li>a braced numerator over one bare character ({@code \frac{270}7}) gets its denominator braced too;</li>
 *   <li>with several {@code "\text{ "}} the text before the first is kept (the original asserts there is one);</li>
 *   <li>a {@code \sqrt} or {@code \frac} at the very end, or a {@code \frac} with one character after it, is left
 *       as it is (the original raises, or returns its input for the short {@code \frac}).</li>
 * </ul>
 */
final class MathNormalizer {
    private static final Pattern PYTHON_INT = Pattern.compile("0|-?[1-9]\\d*");

    private MathNormalizer() {}

    /** The normalised form of {@code answer}, in the original's order of steps. */
    public static String strip(String answer) {
        String s = answer.replace("\n", "");
        s = s.replace("\\!", "");
        s = s.replace("\\\\", "\\");
        s = s.replace("tfrac", "frac").replace("dfrac", "frac");
        s = s.replace("\\left", "").replace("\\right", "");
        s = s.replace("^{\\circ}", "").replace("^\\circ", "");
        s = s.replace("\\$", "");
        s = s.replace("\\mbox{", "\\text{");
        s = removeRightUnits(s);
        s = unwrapText(s);
        s = s.replace("\\%", "").replace("%", "");
        // " .5" and "{.5" mean 0.5
        s = s.replace(" .", " 0.").replace("{.", "{0.");
        if (s.isEmpty()) return s;
        if (s.charAt(0) == '.') s = "0" + s;
        s = dropShortLeftHandSide(s);
        s = fixSqrt(s);
        s = s.replace(" ", "");
        s = fixFracs(s);
        if (s.equals("0.5")) s = "\\frac{1}{2}";
        return fixSlash(s).toLowerCase(Locale.ROOT);
    }

    /** Whether {@code a} and {@code b} are the same answer after {@link #strip}. */
    public static boolean equivalent(String a, String b) {
        return strip(a).equals(strip(b));
    }

    /** {@code "5 \text{ cm}"} → {@code "5 "}: in MATH, {@code "\text{ "} only ever introduces units. */
    static String removeRightUnits(String s) {
        int i = s.indexOf("\\text{ ");
        return i < 0 ? s : s.substring(0, i);
    }

    /** {@code \text{X}} → {@code X} for every {@code \text} with balanced braces; an unclosed one is left as it is. */
    static String unwrapText(String s) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int at = s.indexOf("\\text{"); at >= 0; at = s.indexOf("\\text{", from)) {
            int open = at + "\\text".length();
            int close = AnswerExtraction.matchingBrace(s, open);
            if (close < 0) break;
            out.append(s, from, at).append(s, open + 1, close);
            from = close + 1;
        }
        return out.append(s.substring(from)).toString();
    }

    /** {@code "x = 5"} → {@code " 5"}: a left-hand side of at most two characters, with a single {@code =}. */
    static String dropShortLeftHandSide(String s) {
        List<String> parts = splitLiteral(s, "=");
        return parts.size() == 2 && parts.get(0).length() <= 2 ? parts.get(1) : s;
    }

    /** {@code \sqrt3} → {@code \sqrt{3}}: braces around a one-character radicand. */
    static String fixSqrt(String s) {
        List<String> parts = splitLiteral(s, "\\sqrt");
        StringBuilder out = new StringBuilder(parts.get(0));
        for (String part : parts.subList(1, parts.size())) {
            out.append("\\sqrt");
            if (part.isEmpty() || part.charAt(0) == '{') out.append(part);
            else out.append('{').append(part.charAt(0)).append('}').append(part, 1, part.length());
        }
        return out.toString();
    }

    /**
     * {@code \frac12} → {@code \frac{1}{2}}, {@code \frac1{72}} → {@code \frac{1}{72}}, and (ours)
     * {@code \frac{270}7} → {@code \frac{270}{7}}; braced fractions unchanged.
     */
    static String fixFracs(String s) {
        List<String> parts = splitLiteral(s, "\\frac");
        StringBuilder out = new StringBuilder(parts.get(0));
        for (String part : parts.subList(1, parts.size())) {
            out.append("\\frac");
            if (!part.isEmpty() && part.charAt(0) == '{') {
                // ours: a braced numerator over one bare character, \frac{270}7, is \frac{270}{7} (MATH writes both)
                int close = AnswerExtraction.matchingBrace(part, 0);
                if (close > 0 && close + 1 < part.length() && part.charAt(close + 1) != '{') {
                    out.append(part, 0, close + 1).append('{').append(part.charAt(close + 1)).append('}').append(part, close + 2, part.length());
                } else {
                    out.append(part);
                }
                continue;
            }
            if (part.length() < 2) return s;
            char numerator = part.charAt(0);
            char next = part.charAt(1);
            out.append('{').append(numerator).append('}');
            if (next == '{') out.append(part, 1, part.length());
            else out.append('{').append(next).append('}').append(part, 2, part.length());
        }
        return out.toString();
    }

    /** {@code "3/4"} → {@code \frac{3}{4}}, only for two integers written canonically (as Python's {@code int} prints them). */
    static String fixSlash(String s) {
        List<String> parts = splitLiteral(s, "/");
        if (parts.size() != 2) return s;
        String a = parts.get(0);
        String b = parts.get(1);
        if (!PYTHON_INT.matcher(a).matches() || !PYTHON_INT.matcher(b).matches()) return s;
        return "\\frac{" + a + "}{" + b + "}";
    }

    /** Python's {@code str.split(sep)}: a literal separator, empty parts kept (also at the end). */
    static List<String> splitLiteral(String s, String separator) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = s.indexOf(separator); i >= 0; i = s.indexOf(separator, from)) {
            parts.add(s.substring(from, i));
            from = i + separator.length();
        }
        parts.add(s.substring(from));
        return parts;
    }
}

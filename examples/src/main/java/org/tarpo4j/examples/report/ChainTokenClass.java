package org.tarpo4j.examples.report;

import java.util.List;
import java.util.Locale;

/**
 * The classes of a step in the embedded task's reasoning chain ({@code 5*3=15, 7+15=22 #### 22}): digits, operators,
 * {@code =}, separators ({@code ,} and spaces), the answer (from the first character of the answer marker on: the
 * marker and the number after it) and anything else (text the chain should not hold). Finer than {@link TokenClass},
 * which serves any tokenizer; this one knows the task's grammar.
 */
public enum ChainTokenClass {
    DIGITS, OPERATORS, EQUALS, SEPARATORS, ANSWER, OTHER;

    public String label() { return name().toLowerCase(Locale.ROOT); }

    /**
     * @param tokens a completion's tokens as text
     * @param marker the answer marker, e.g. {@code ####}
     * @return each token's class
     */
    public static ChainTokenClass[] of(List<String> tokens, String marker) {
        ChainTokenClass[] out = new ChainTokenClass[tokens.size()];
        char start = marker.charAt(0);
        boolean answer = false;
        for (int t = 0; t < out.length; t++) {
            String s = tokens.get(t);
            answer |= s.indexOf(start) >= 0;
            out[t] = answer ? ANSWER : ofText(s);
        }
        return out;
    }

    /** A token before the answer, by its characters: all digits, all of {@code + - *}, {@code =}, all of {@code , } and space. */
    static ChainTokenClass ofText(String s) {
        if (s.isEmpty()) return OTHER;
        if (s.chars().allMatch(Character::isDigit)) return DIGITS;
        if (s.chars().allMatch(c -> "+-*".indexOf(c) >= 0)) return OPERATORS;
        if (s.equals("=")) return EQUALS;
        if (s.chars().allMatch(c -> c == ',' || c == ' ')) return SEPARATORS;
        return OTHER;
    }
}

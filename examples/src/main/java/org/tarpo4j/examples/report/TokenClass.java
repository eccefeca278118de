package org.tarpo4j.examples.report;

/**
 * Coarse classes of a token's text, for the routing view: the paper reports that the router prefers soft steps for
 * numbers and operations and hard steps for structural text.
 */
public enum TokenClass {
    DIGITS, OPERATORS, WORDS, PUNCTUATION, SPECIAL;

    public static TokenClass of(String text) {
        String t = text.strip();
        if (text.startsWith("<") && text.endsWith(">") && text.length() > 2) return SPECIAL;
        if (t.isEmpty()) return PUNCTUATION; // whitespace separates, like punctuation
        if (t.chars().allMatch(Character::isDigit)) return DIGITS;
        if (t.chars().allMatch(ch -> "+-*/=^<>×÷".indexOf(ch) >= 0)) return OPERATORS;
        if (t.chars().anyMatch(Character::isLetter)) return WORDS;
        return PUNCTUATION;
    }
}

package org.tarpo4j.rl.reward;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a completion's answer is read. Training rewards demand exactly one marker (the method's §8: a second
 * {@code ####} is a format error worth 0); the released TARPO evaluation reads whatever follows the last marker.
 */
public enum AnswerRule {
    /** The marker occurs exactly once and the answer is the text after it (the training reward). */
    SINGLE_MARKER("single"),
    /** The text after the last marker, however many there are (the released evaluation). */
    LAST_MARKER("last");

    private final String key;

    AnswerRule(String key) {
        this.key = key;
    }

    /**
     * The name on the command line and in result files.
     *
     * @return {@code single} or {@code last}
     */
    public String key() { return key; }

    /**
     * The text the answer is read from, untrimmed; empty when the completion gives none under this rule.
     *
     * @param completion the generated text
     * @param marker     the answer marker, e.g. {@link AnswerExtraction#DEFAULT_MARKER}
     * @return the answer text, or empty
     */
    public Optional<String> answerText(String completion, String marker) {
        return this == SINGLE_MARKER ? AnswerExtraction.afterSingleMarker(completion, marker)
                : AnswerExtraction.afterLastMarker(completion, marker);
    }

    /**
     * The rule named by {@link #key()}, case-insensitively.
     *
     * @param s {@code single} or {@code last}
     * @return the rule
     * @throws IllegalArgumentException if {@code s} names neither
     */
    public static AnswerRule parse(String s) {
        for (AnswerRule r : values()) if (r.key.equals(s.toLowerCase(Locale.ROOT))) return r;
        throw new IllegalArgumentException("answer rule must be single or last, got '" + s + "'");
    }
}

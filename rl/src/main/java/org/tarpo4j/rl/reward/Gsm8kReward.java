package org.tarpo4j.rl.reward;

import java.util.List;
import java.util.Optional;

/**
 * GSM8K correctness: the last number after the marker equals the gold number in canonical form
 * ({@link NumericAnswer#canonical}: commas removed, {@code 72.0} = {@code 072} = {@code 72}).
 * A gold answer that is not a number never matches.
 */
public final class Gsm8kReward extends MarkedAnswerReward {
    /** The name, and metric key. */
    public static final String NAME = "gsm8k";

    /** The reward's name and metric key, {@link #NAME} unless given. */
    private final String name;

    /** With the default marker {@code ####}, as a training reward. */
    public Gsm8kReward() {
        this(AnswerExtraction.DEFAULT_MARKER);
    }

    /**
     * With another answer marker.
     *
     * @param marker the answer marker
     */
    public Gsm8kReward(String marker) {
        this(marker, AnswerRule.SINGLE_MARKER);
    }

    /**
     * With another marker and answer rule, under the name {@link #NAME}.
     *
     * @param marker the answer marker
     * @param rule   which marker the answer follows: the only one (training) or the last (released evaluation)
     */
    public Gsm8kReward(String marker, AnswerRule rule) {
        this(NAME, marker, rule);
    }

    /**
     * The same rule under another metric name (e.g. a task whose answers are GSM8K-style numbers).
     *
     * @param name   the reward's name and metric key
     * @param marker the answer marker
     * @param rule   which marker the answer follows
     */
    public Gsm8kReward(String name, String marker, AnswerRule rule) {
        super(marker, rule);
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    protected List<String> answerKeys(String answerText) {
        return AnswerExtraction.lastNumber(answerText).flatMap(NumericAnswer::canonical).stream().toList();
    }

    @Override
    protected Optional<String> goldKey(String goldAnswer) {
        return NumericAnswer.canonical(goldAnswer);
    }
}

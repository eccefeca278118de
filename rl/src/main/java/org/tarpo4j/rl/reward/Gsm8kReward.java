package org.tarpo4j.rl.reward;

import java.util.Optional;

/**
 * GSM8K correctness: the last number after the marker equals the gold number in canonical form
 * ({@link NumericAnswer#canonical}: commas removed, {@code 72.0} = {@code 072} = {@code 72}).
 * A gold answer that is not a number never matches.
 */
public final class Gsm8kReward extends MarkedAnswerReward {
    /** The name, and metric key. */
    public static final String NAME = "gsm8k";

    /** With the default marker {@code ####}. */
    public Gsm8kReward() {
        this(AnswerExtraction.DEFAULT_MARKER);
    }

    /**
     * With another answer marker.
     *
     * @param marker the answer marker
     */
    public Gsm8kReward(String marker) {
        super(marker);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected boolean matches(String afterMarker, String goldAnswer) {
        Optional<String> gold = NumericAnswer.canonical(goldAnswer);
        if (gold.isEmpty()) return false;
        return AnswerExtraction.lastNumber(afterMarker).flatMap(NumericAnswer::canonical).equals(gold);
    }
}

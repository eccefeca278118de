package org.tarpo4j.rl.reward;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The method's answer rule (§8): reward 1 iff the completion gives an answer after its marker ({@link AnswerRule}:
 * the only marker for training, the last one for the released evaluation) that matches the gold answer, else 0.
 * Subclasses say how an answer is read and normalised: a completion may offer several readings (e.g. a prose
 * sentence and the lone number in it), and it is correct when one of them equals the normalised gold answer.
 *
 * @serial exclude (serialised only to travel between the JVMs of one Spark run)
 */
public abstract class MarkedAnswerReward implements RewardFunction, java.io.Serializable { // built-ins score on Spark executors
    private final String marker;
    private final AnswerRule rule;

    /**
     * @param marker the answer marker, e.g. {@code ####}
     * @param rule   which marker the answer follows: the only one (training) or the last (published evaluation)
     */
    protected MarkedAnswerReward(String marker, AnswerRule rule) {
        AnswerExtraction.requireMarker(marker);
        this.marker = marker;
        this.rule = Objects.requireNonNull(rule, "rule");
    }

    /** @return the answer marker, e.g. {@code ####} */
    public final String marker() {
        return marker;
    }

    /** @return where the answer is read: after the only marker or after the last one */
    public final AnswerRule rule() {
        return rule;
    }

    @Override
    public final double score(String completion, String goldAnswer) {
        Optional<String> gold = goldKey(goldAnswer);
        return gold.isPresent() && answerKey(completion, goldAnswer).equals(gold) ? 1.0 : 0.0;
    }

    /**
     * The gold answer's key when one of the completion's readings equals it (so every correct completion votes for
     * the same key), else its preferred reading; empty without an answer.
     */
    @Override
    public final Optional<String> answerKey(String completion, String goldAnswer) {
        Optional<String> text = rule.answerText(completion, marker);
        if (text.isEmpty()) return Optional.empty();
        List<String> readings = answerKeys(text.get());
        if (readings.isEmpty()) return Optional.empty();
        Optional<String> gold = goldKey(goldAnswer);
        return gold.isPresent() && readings.contains(gold.get()) ? gold : Optional.of(readings.get(0));
    }

    /**
     * The normalised readings of {@code answerText} (the text after the marker), preferred first; none is blank.
     *
     * @param answerText the text after the marker, untrimmed
     * @return the readings, preferred first; empty when the text holds no answer
     */
    protected abstract List<String> answerKeys(String answerText);

    /**
     * The normalised gold answer; empty when it can never be matched.
     *
     * @param goldAnswer the dataset's answer
     * @return its normalised key, or empty
     */
    protected abstract Optional<String> goldKey(String goldAnswer);
}

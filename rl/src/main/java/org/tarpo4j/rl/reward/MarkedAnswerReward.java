package org.tarpo4j.rl.reward;

/**
 * The method's answer rule (§8): reward 1 iff the answer marker occurs exactly once in the completion and the text
 * after it matches the gold answer, else 0. Subclasses say what "matches" means.
 *
 * @serial exclude (serialised only to travel between the JVMs of one Spark run)
 */
public abstract class MarkedAnswerReward implements RewardFunction, java.io.Serializable { // built-ins score on Spark executors
    private final String marker;

    /** @param marker the answer marker, e.g. {@code ####} */
    protected MarkedAnswerReward(String marker) {
        AnswerExtraction.requireMarker(marker);
        this.marker = marker;
    }

    /** @return the answer marker, e.g. {@code ####} */
    public final String marker() {
        return marker;
    }

    @Override
    public final double score(String completion, String goldAnswer) {
        return AnswerExtraction.afterSingleMarker(completion, marker)
                .filter(after -> matches(after, goldAnswer))
                .isPresent() ? 1.0 : 0.0;
    }

    /**
     * Whether {@code afterMarker}, the completion's text after its only marker, gives the gold answer.
     *
     * @param afterMarker the completion's text after its only marker
     * @param goldAnswer  the problem's gold answer
     * @return whether it gives the gold answer
     */
    protected abstract boolean matches(String afterMarker, String goldAnswer);
}

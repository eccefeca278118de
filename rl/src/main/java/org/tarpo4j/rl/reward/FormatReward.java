package org.tarpo4j.rl.reward;

/** Format only: 1 iff the marker occurs exactly once and some non-blank text follows it, whatever that text is. *
 * @serial exclude (serialised only to travel between the JVMs of one Spark run)
 */
public final class FormatReward implements RewardFunction, java.io.Serializable { // scores on Spark executors
    /** The name, and metric key. */
    public static final String NAME = "format";

    private final String marker;

    /** With the default marker {@code ####}. */
    public FormatReward() {
        this(AnswerExtraction.DEFAULT_MARKER);
    }

    /**
     * With another answer marker.
     *
     * @param marker the answer marker
     */
    public FormatReward(String marker) {
        AnswerExtraction.requireMarker(marker);
        this.marker = marker;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double score(String completion, String goldAnswer) {
        return AnswerExtraction.afterSingleMarker(completion, marker).filter(s -> !s.isBlank()).isPresent() ? 1.0 : 0.0;
    }
}

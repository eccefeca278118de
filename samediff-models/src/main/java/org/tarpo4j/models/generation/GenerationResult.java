package org.tarpo4j.models.generation;

import java.util.List;

/**
 * One generated continuation per prompt, in prompt order.
 *
 * @param sequences one per prompt
 */
public record GenerationResult(List<Sequence> sequences) {
    /** Why a row ended. */
    public enum FinishReason {
        /** A stop id was generated. */
        STOP,
        /** The length limit (or the end of the context) was reached. */
        LENGTH
    }

    /**
     * One row's continuation.
     *
     * @param tokens       the new ids, including the stop id when one ended the row
     * @param finishReason why it ended
     */
    public record Sequence(int[] tokens, FinishReason finishReason) {}
}

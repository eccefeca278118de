package org.tarpo4j.models.generation;

import java.util.List;

/** One generated continuation per prompt, in prompt order. */
public record GenerationResult(List<Sequence> sequences) {
    public enum FinishReason { STOP, LENGTH }

    /** @param tokens the new ids, including the stop id when one ended the row */
    public record Sequence(int[] tokens, FinishReason finishReason) {}
}

package org.tarpo4j.models.decoder;

/**
 * Runs a batch through the decoder a few positions at a time, keeping the KV cache between calls: a prefill of the
 * (left-padded) prompts, then one position per step.
 */
public interface IncrementalDecoder {
    /**
     * Feeds T new positions per row, extends the cache, and returns the outputs of those positions. An implementation
     * may return single-step logits in a buffer it reuses (as {@code FastDecoder} does): read them before the next call,
     * or {@code dup()} them to keep them.
     */
    StepOutput forward(StepInput input);

    /** Positions cached so far (including padding). */
    long cachedLength();
}

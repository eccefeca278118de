package org.tarpo4j.models.decoder;

/**
 * Runs a batch through the decoder a few positions at a time, keeping the KV cache between calls: a prefill of the
 * (left-padded) prompts, then one position per step.
 */
public interface IncrementalDecoder extends AutoCloseable {
    /**
     * Feeds T new positions per row, extends the cache, and returns the outputs of those positions. The outputs may be
     * the decoder's own buffers (as {@code FastDecoder}'s are): read them before the next call, or {@code dup()} them to
     * keep them.
     */
    StepOutput forward(StepInput input);

    /** Positions cached so far (including padding). */
    long cachedLength();

    /** Releases the cache and buffers now rather than when the garbage collector finds them. */
    @Override
    void close();
}

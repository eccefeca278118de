package org.tarpo4j.models.generation;

/**
 * How a token is drawn from the logits, in Hugging Face's order: temperature, then top-k, then top-p.
 *
 * @param greedy      take the argmax (the other fields are ignored)
 * @param temperature divides the logits; must be > 0
 * @param topK        keep the k most likely tokens; 0 = all
 * @param topP        keep the smallest most-likely set whose probability reaches p; 1 = all
 */
public record SamplingConfig(boolean greedy, double temperature, int topK, double topP) {
    /**
     * Checks the values.
     *
     * @param greedy      take the argmax
     * @param temperature positive unless greedy
     * @param topK        at least 0
     * @param topP        in (0, 1]
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public SamplingConfig {
        if (!greedy && !(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
    }

    /** @return argmax decoding */
    public static SamplingConfig greedyDecoding() { return new SamplingConfig(true, 1, 0, 1); }

    /**
     * Sampling.
     *
     * @param temperature positive
     * @param topK        0 = all
     * @param topP        1 = all
     * @return the config
     */
    public static SamplingConfig sample(double temperature, int topK, double topP) {
        return new SamplingConfig(false, temperature, topK, topP);
    }
}

package org.tarpo4j.layers.tarpo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a soft input is built from a step's token distribution.
 *
 * @param topK        the soft embedding mixes the k most likely tokens (10 in the paper)
 * @param renormalise weights {@code p_i / Σ_top-k p} (default); false keeps the raw probabilities, which is what the
 *                    released code's rollout does (its recompute renormalises: a mismatch we do not reproduce)
 */
public record SoftInputConfig(int topK, boolean renormalise) {
    @JsonCreator
    public SoftInputConfig(@JsonProperty("topK") int topK, @JsonProperty("renormalise") boolean renormalise) {
        if (topK <= 0) throw new IllegalArgumentException("soft top-k must be positive, got " + topK);
        this.topK = topK;
        this.renormalise = renormalise;
    }

    public static SoftInputConfig defaults() { return new SoftInputConfig(10, true); }
}

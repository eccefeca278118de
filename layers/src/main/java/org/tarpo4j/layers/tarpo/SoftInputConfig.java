package org.tarpo4j.layers.tarpo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a soft input is.
 *
 * @param topK        the soft embedding mixes the k most likely tokens of the step's distribution (10 in the paper)
 * @param renormalise weights {@code p_i / Σ_top-k p} (default); false keeps the raw probabilities, which is what the
 *                    released code's rollout does (its recompute renormalises: a mismatch we do not reproduce)
 * @param source      {@link Source#TOP_K_EMBEDDINGS} (TARPO's mixture) or {@link Source#HIDDEN_STATE} (COCONUT's
 *                    continuous thought: the step's last hidden state itself), to measure what the soft input adds
 */
public record SoftInputConfig(int topK, boolean renormalise, Source source) {
    public enum Source { TOP_K_EMBEDDINGS, HIDDEN_STATE }

    @JsonCreator
    public SoftInputConfig(@JsonProperty("topK") int topK, @JsonProperty("renormalise") boolean renormalise,
                           @JsonProperty("source") Source source) {
        if (topK <= 0) throw new IllegalArgumentException("soft top-k must be positive, got " + topK);
        this.topK = topK;
        this.renormalise = renormalise;
        this.source = source == null ? Source.TOP_K_EMBEDDINGS : source;
    }

    public SoftInputConfig(int topK, boolean renormalise) { this(topK, renormalise, Source.TOP_K_EMBEDDINGS); }

    public static SoftInputConfig defaults() { return new SoftInputConfig(10, true); }

    public boolean hiddenState() { return source == Source.HIDDEN_STATE; }
}

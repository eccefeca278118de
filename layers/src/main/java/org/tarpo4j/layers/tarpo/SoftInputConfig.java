package org.tarpo4j.layers.tarpo;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

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
    /** What is fed at a soft step; written {@code topk} and {@code hidden} in configs. */
    public enum Source {
        /** TARPO's mixture of the top-k token embeddings ({@code topk}). */
        TOP_K_EMBEDDINGS("topk"),
        /** COCONUT's continuous thought: the step's last hidden state ({@code hidden}). */
        HIDDEN_STATE("hidden");

        private final String id;

        Source(String id) { this.id = id; }

        /**
         * By its config name ({@code topk}, {@code hidden}) or its constant's name, case-insensitive.
         *
         * @param s the name
         * @return the source
         * @throws IllegalArgumentException for another name
         */
        @JsonCreator
        public static Source parse(String s) {
            for (Source v : values()) {
                if (v.id.equalsIgnoreCase(s.trim()) || v.name().equalsIgnoreCase(s.trim())) return v;
            }
            throw new IllegalArgumentException("soft input source must be topk or hidden, got '" + s + "'");
        }

        /** @return the name in configs */
        @JsonValue
        public String id() { return id; }
    }

    /**
     * Checks k.
     *
     * @param topK        positive
     * @param renormalise whether the weights are renormalised over the top k
     * @param source      null means {@link Source#TOP_K_EMBEDDINGS}
     * @throws IllegalArgumentException for k below 1
     */
    @JsonCreator
    public SoftInputConfig(@JsonProperty("topK") int topK, @JsonProperty("renormalise") boolean renormalise,
                           @JsonProperty("source") Source source) {
        if (topK <= 0) throw new IllegalArgumentException("soft top-k must be positive, got " + topK);
        this.topK = topK;
        this.renormalise = renormalise;
        this.source = source == null ? Source.TOP_K_EMBEDDINGS : source;
    }

    /**
     * TARPO's top-k mixture.
     *
     * @param topK        positive
     * @param renormalise whether the weights are renormalised over the top k
     */
    public SoftInputConfig(int topK, boolean renormalise) { this(topK, renormalise, Source.TOP_K_EMBEDDINGS); }

    /** @return k = 10, renormalised, top-k embeddings (the paper's) */
    public static SoftInputConfig defaults() { return new SoftInputConfig(10, true); }

    /** @return whether the soft input is the hidden state */
    public boolean hiddenState() { return source == Source.HIDDEN_STATE; }
}

package org.tarpo4j.layers;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Set;

/**
 * Low-rank adapters as in PEFT: {@code y = x Wᵀ + (alpha / rank) · (x Aᵀ) Bᵀ} with A {@code [rank, in]} initialised
 * uniformly and B {@code [out, rank]} at zero, so a fresh adapter leaves the model unchanged.
 *
 * @param rank    r, the adapters' inner dimension
 * @param alpha   the scale numerator: updates are scaled by {@code alpha / rank}
 * @param targets projection names the adapters attach to (e.g. {@code q_proj}, {@code down_proj})
 */
public record LoraConfig(int rank, double alpha, Set<String> targets) {
    /** Every projection of a decoder layer, in Hugging Face's names. */
    public static final List<String> ALL_PROJECTIONS =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /**
     * Checks the rank and the targets.
     *
     * @param rank    positive
     * @param alpha   any number
     * @param targets a non-empty subset of {@link #ALL_PROJECTIONS}
     * @throws IllegalArgumentException for a rank below 1 or an unknown or missing target
     */
    @JsonCreator
    public LoraConfig(@JsonProperty("rank") int rank, @JsonProperty("alpha") double alpha,
                      @JsonProperty("targets") Set<String> targets) {
        if (rank <= 0) throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
        if (targets == null || targets.isEmpty()) throw new IllegalArgumentException("LoRA needs at least one target projection");
        for (String t : targets) {
            if (!ALL_PROJECTIONS.contains(t)) {
                throw new IllegalArgumentException("unknown LoRA target '" + t + "'; known: " + ALL_PROJECTIONS);
            }
        }
        this.rank = rank;
        this.alpha = alpha;
        this.targets = Set.copyOf(targets);
    }

    /**
     * The published TARPO setting.
     *
     * @return r = 32, alpha = 64 on every projection
     */
    public static LoraConfig defaults() {
        return new LoraConfig(32, 64, Set.copyOf(ALL_PROJECTIONS));
    }

    /**
     * The factor of the adapter's output.
     *
     * @return {@code alpha / rank}
     */
    public double scale() { return alpha / rank; }

    /**
     * Whether a projection gets an adapter.
     *
     * @param projection a projection name, e.g. {@code q_proj}
     * @return true if it is a target
     */
    public boolean appliesTo(String projection) { return targets.contains(projection); }
}

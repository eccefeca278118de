package org.tarpo4j.layers.tarpo;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Initialisation and sampling temperature of the {@link ActionHeadRouter}.
 *
 * @param actionBias  b0 in {@code b = [b0, 0]} ({@code action_bias} in run configs, the bias of {@code action_head}'s
 *                    hard logit): the initial log-odds of a hard step. 4.6 gives P(hard) ≈ 0.99 (the
 *                    published default for Qwen2.5-1.5B/7B), 2.2 ≈ 0.90 (3B), 0.85 ≈ 0.70, 0 = 50/50
 * @param weightStd   standard deviation of the initial weight (0.001), so routing starts almost input-independent
 * @param temperature divides the router logits when routes are sampled and scored (1.0 in the paper)
 */
public record RouterConfig(double actionBias, double weightStd, double temperature) {
    /** b0 = 4.6, the published default: initial P(hard) ≈ 0.99. */
    public static final double DEFAULT_ACTION_BIAS = 4.6;

    /**
     * Checks the values.
     *
     * @param actionBias  finite
     * @param weightStd   at least 0
     * @param temperature positive
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    @JsonCreator
    public RouterConfig(@JsonProperty("actionBias") @JsonAlias("hardBias") double actionBias,
                        @JsonProperty("weightStd") double weightStd, @JsonProperty("temperature") double temperature) {
        if (!Double.isFinite(actionBias)) throw new IllegalArgumentException("router action bias must be finite, got " + actionBias);
        if (!(weightStd >= 0)) throw new IllegalArgumentException("router weight std must be >= 0, got " + weightStd);
        if (!(temperature > 0)) throw new IllegalArgumentException("router temperature must be > 0, got " + temperature);
        this.actionBias = actionBias;
        this.weightStd = weightStd;
        this.temperature = temperature;
    }

    /** @return b0 = {@value #DEFAULT_ACTION_BIAS}, weight std 0.001, temperature 1 */
    public static RouterConfig defaults() { return new RouterConfig(DEFAULT_ACTION_BIAS, 0.001, 1.0); }

    /**
     * The defaults with another initial bias.
     *
     * @param b0 the initial hard log-odds
     * @return weight std 0.001, temperature 1
     */
    public static RouterConfig withActionBias(double b0) { return new RouterConfig(b0, 0.001, 1.0); }

    /**
     * The bias that makes the initial P(hard) equal {@code p}: {@code b0 = logit(p)}.
     *
     * @param p the initial P(hard), in (0, 1)
     * @return the defaults with that bias
     */
    public static RouterConfig withInitialHardProbability(double p) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("initial P(hard) must be in (0, 1), got " + p);
        return withActionBias(Math.log(p / (1 - p)));
    }

    /** @return the initial P(hard) this bias gives (with the near-zero weight): {@code sigmoid(b0)} */
    public double initialHardProbability() { return 1 / (1 + Math.exp(-actionBias)); }
}

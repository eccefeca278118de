package org.tarpo4j.models.latent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which latent input a policy uses: none ({@code grpo}: every input is the sampled token), TARPO's routed soft
 * inputs, HRPO's gated mixture on every reasoning step, or COCONUT's continuous thoughts (a fixed number of hidden
 * states fed back between begin/end-of-thought markers, trained by supervised curriculum, not RL).
 */
public enum LatentMode {
    /** Plain GRPO: every input is the sampled token. */
    GRPO,
    /** TARPO: a router samples hard or soft inputs token by token. */
    TARPO,
    /** HRPO: a learned gate mixes the token and the soft embedding on every reasoning step. */
    HRPO,
    /** COCONUT: continuous thoughts between begin/end markers, trained by supervised curriculum. */
    COCONUT;

    /**
     * By name, case-insensitive.
     *
     * @param s {@code tarpo}, {@code grpo}, {@code hrpo} or {@code coconut}
     * @return the mode
     * @throws IllegalArgumentException for another name
     */
    @JsonCreator
    public static LatentMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + s + "' (expected tarpo, grpo, hrpo or coconut)");
        }
    }

    /** @return whether the graph takes soft ids/weights/routes */
    public boolean hasSoftInputs() { return this != GRPO; }

    /** @return whether routes are sampled from a router */
    public boolean hasRouter() { return this == TARPO; }

    /** @return the lower-case name, as in configs */
    @JsonValue
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
}

package org.tarpo4j.models.latent;

/**
 * Which latent input a policy uses: none ({@code grpo}: every input is the sampled token), TARPO's routed soft
 * inputs, HRPO's gated mixture on every reasoning step, or COCONUT's continuous thoughts (a fixed number of hidden
 * states fed back between begin/end-of-thought markers, trained by supervised curriculum, not RL).
 */
public enum LatentMode {
    GRPO, TARPO, HRPO, COCONUT;

    public static LatentMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown mode '" + s + "' (expected tarpo, grpo, hrpo or coconut)");
        }
    }

    /** Whether the graph takes soft ids/weights/routes. */
    public boolean hasSoftInputs() { return this != GRPO; }

    /** Whether routes are sampled from a router. */
    public boolean hasRouter() { return this == TARPO; }

    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
}

package org.tarpo4j.rl.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How per-token objectives are averaged into the loss (TRL's {@code loss_type}):
 * GRPO: mean over each sequence's tokens, then over sequences; BNPO: mean over all tokens of the batch;
 * DR_GRPO: sum over tokens divided by (sequences × max completion length); DAPO: mean over all tokens of the whole
 * generation batch (equal to BNPO when a step is one batch, as here).
 */
public enum LossType {
    GRPO, BNPO, DR_GRPO, DAPO;

    /**
     * By name, as in configs ({@code dr_grpo}), case-insensitive.
     *
     * @param s grpo, bnpo, dr_grpo or dapo
     * @return the type
     * @throws IllegalArgumentException for another name
     */
    @JsonCreator
    public static LossType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown loss type '" + s + "' (expected grpo, bnpo, dr_grpo or dapo)");
        }
    }

    /** @return the lower-case name, as in configs */
    @JsonValue
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
}

package org.tarpo4j.rl.core;

/**
 * How per-token objectives are averaged into the loss (TRL's {@code loss_type}):
 * GRPO: mean over each sequence's tokens, then over sequences; BNPO: mean over all tokens of the batch;
 * DR_GRPO: sum over tokens divided by (sequences × max completion length); DAPO: mean over all tokens of the whole
 * generation batch (equal to BNPO when a step is one batch, as here).
 */
public enum LossType {
    GRPO, BNPO, DR_GRPO, DAPO;

    public static LossType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown loss type '" + s + "' (expected grpo, bnpo, dr_grpo or dapo)");
        }
    }
}

package org.tarpo4j.rl.core;

/**
 * The objective's knobs (names as TRL's GRPOConfig where shared).
 *
 * @param epsilon               lower clip ε (0.2)
 * @param epsilonHigh           upper clip (= ε unless set, DAPO's clip-higher)
 * @param beta                  KL weight β on tokens and routes (0.005); 0 skips the reference model entirely
 * @param actionLossWeight      λ, the router term's weight (0.1)
 * @param lossType              aggregation
 * @param tokenLossOnSoftSteps  true: the token term counts on every step (the released code, default); false: only on
 *                              hard steps (the paper's formula)
 * @param maxCompletionLength   DR_GRPO's normaliser
 */
public record LossConfig(double epsilon, double epsilonHigh, double beta, double actionLossWeight, LossType lossType,
                         boolean tokenLossOnSoftSteps, int maxCompletionLength) {
    public LossConfig {
        if (!(epsilon >= 0) || !(epsilonHigh >= 0)) throw new IllegalArgumentException("epsilon must be >= 0");
        if (!(beta >= 0)) throw new IllegalArgumentException("beta must be >= 0, got " + beta);
        if (!(actionLossWeight >= 0)) throw new IllegalArgumentException("actionLossWeight must be >= 0, got " + actionLossWeight);
        if (maxCompletionLength <= 0) throw new IllegalArgumentException("maxCompletionLength must be positive");
    }
}

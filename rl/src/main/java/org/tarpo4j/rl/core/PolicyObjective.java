package org.tarpo4j.rl.core;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The per-token pieces of the GRPO/TARPO objective as graph functions (differentiable in {@code logp}); shapes are
 * {@code [B, T]} for per-token values and {@code [B, 1]} for per-sequence advantages.
 */
public final class PolicyObjective {
    private PolicyObjective() {}

    /**
     * The PPO clipped surrogate {@code min(ρ A, clip(ρ, 1 - εlow, 1 + εhigh) A)} with {@code ρ = exp(logp - old)}.
     * With one update per rollout ρ is 1 in value and this is REINFORCE with the advantage.
     */
    public static SDVariable clippedSurrogate(SameDiff sd, SDVariable logp, SDVariable oldLogp, SDVariable advantages,
                                              double epsilonLow, double epsilonHigh) {
        SDVariable ratio = sd.math.exp(logp.sub(oldLogp));                                    // [B, T]
        SDVariable unclipped = ratio.mul(advantages);
        SDVariable clipped = sd.math.clipByValue(ratio, 1 - epsilonLow, 1 + epsilonHigh).mul(advantages);
        // min(u, c) written as u - relu(u - c): SameDiff M2.1's pairwise min sends the full gradient to BOTH inputs
        // on a tie, and inside the clip range (always, with one update per rollout) u == c, which doubled it
        return unclipped.sub(sd.nn.relu(unclipped.sub(clipped), 0));
    }

    /** The k3 estimator of KL(π || ref): {@code exp(ref - logp) - (ref - logp) - 1} ≥ 0, per token. */
    public static SDVariable k3(SameDiff sd, SDVariable refLogp, SDVariable logp) {
        SDVariable d = refLogp.sub(logp);
        return sd.math.exp(d).sub(d).sub(1.0);
    }

    /** Whether a token's ratio was clipped (for metrics): outside {@code [1 - εlow, 1 + εhigh]} on the side that binds. */
    public static SDVariable clippedIndicator(SameDiff sd, SDVariable logp, SDVariable oldLogp, SDVariable advantages,
                                              double epsilonLow, double epsilonHigh) {
        return clippedLow(sd, logp, oldLogp, advantages, epsilonLow).add(clippedHigh(sd, logp, oldLogp, advantages, epsilonHigh));
    }

    /** Clipped at the bottom (TRL's {@code clip_ratio/low}): ratio below {@code 1 - εlow} with a negative advantage. */
    public static SDVariable clippedLow(SameDiff sd, SDVariable logp, SDVariable oldLogp, SDVariable advantages, double epsilonLow) {
        SDVariable ratio = sd.math.exp(logp.sub(oldLogp));
        return sd.lt(ratio, 1 - epsilonLow).castTo(ratio.dataType()).mul(sd.lt(advantages, 0.0).castTo(ratio.dataType()));
    }

    /** Clipped at the top (TRL's {@code clip_ratio/high}): ratio above {@code 1 + εhigh} with a positive advantage. */
    public static SDVariable clippedHigh(SameDiff sd, SDVariable logp, SDVariable oldLogp, SDVariable advantages, double epsilonHigh) {
        SDVariable ratio = sd.math.exp(logp.sub(oldLogp));
        return sd.gt(ratio, 1 + epsilonHigh).castTo(ratio.dataType()).mul(sd.gt(advantages, 0.0).castTo(ratio.dataType()));
    }

    /**
     * The loss: {@code −Σ weights ⊙ perToken}, with the weights of {@link LossAggregation} (each row's weight times its
     * completion mask), so that micro-batches of a step add up to the step's loss.
     *
     * @param perToken {@code [B, T]}, @param weights {@code [B, T]}
     */
    public static SDVariable weightedLoss(SDVariable perToken, SDVariable weights) {
        return perToken.mul(weights).sum().neg();
    }
}

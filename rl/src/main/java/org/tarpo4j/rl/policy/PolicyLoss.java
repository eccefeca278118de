package org.tarpo4j.rl.policy;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.training.TokenLogProbs;
import org.tarpo4j.rl.core.LossConfig;
import org.tarpo4j.rl.core.PolicyObjective;

import java.util.List;
import java.util.Set;

/**
 * Adds the TARPO objective (the method's §6) to a policy's graph:
 * <pre>
 *   tok_t = min(ρ_t A, clip(ρ_t) A) − β·k3(ref_t, logp_t)          on every step (or hard steps only)
 *   act_t = λ·min(ρ^a_t A, clip(ρ^a_t) A) − β·k3(aref_t, alogp_t)   TARPO only
 *   loss  = −Σ_t w_t · (tok_t + act_t)        w: {@value #LOSS_WEIGHTS}, the loss type's weights times the mask
 * </pre>
 * Per-token tensors are {@code [B, S]} in the {@link TrainingBatch} layout; advantages are {@code [B, 1]}.
 * Log-probs at masked positions are zeroed before anything else, so padding can never produce {@code inf · 0}.
 * The loss and the metrics are sums over the batch's tokens ({@link org.tarpo4j.rl.core.LossAggregation} puts the
 * step's normalisation into the weights), so the micro-batches of a step add up to the step in one pass.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class PolicyLoss {
    public static final String COMPLETION_MASK = "completion_mask";
    public static final String TOKEN_LOSS_MASK = "token_loss_mask";
    public static final String ADVANTAGES = "advantages";
    public static final String LOSS_WEIGHTS = "loss_weights";
    public static final String OLD_TOKEN_LOGP = "old_token_logp";
    public static final String REF_TOKEN_LOGP = "ref_token_logp";
    public static final String ROUTE_TARGETS = "route_targets";
    public static final String OLD_ROUTE_LOGP = "old_route_logp";
    public static final String REF_ROUTE_LOGP = "ref_route_logp";

    public static final String TOKEN_LOGP = "policy_token_logp";   // [B, S], masked
    public static final String ROUTE_LOGP = "policy_route_logp";   // [B, S], masked
    public static final String LOSS = "policy_loss";
    /** {@value #LOSS} plus the cache's incoming gradient term: the variable the trainer differentiates. */
    public static final String TRAINING_LOSS = "training_loss";
    // masked sums over the batch's completion tokens (divide by the step's tokens for the mean)
    public static final String KL_TOKEN = "kl_token_sum";
    public static final String KL_ROUTE = "kl_route_sum";
    public static final String CLIP_RATIO = "clip_ratio_sum";
    public static final String ENTROPY = "entropy_sum";
    public static final String ROUTE_ENTROPY = "route_entropy_sum";
    public static final String CLIP_LOW = "clip_ratio_low_sum";
    public static final String CLIP_HIGH = "clip_ratio_high_sum";

    private PolicyLoss() {}

    /** Masked per-token log-probs of the labels (and of the route targets, with a router), at the temperature. */
    public static void attachLogProbs(Policy policy, double temperature, Set<Integer> bannedIds) {
        SameDiff sd = policy.graph().sd();
        DataType dt = policy.graph().parameters().dtype();
        TokenLogProbs.Outputs lp = TokenLogProbs.attach(policy.graph(), temperature, bannedIds);
        SDVariable mask = sd.placeHolder(COMPLETION_MASK, dt, -1, -1);
        SDVariable shape = sd.shape(mask);
        lp.logp().reshape(shape).mul(TOKEN_LOGP, mask);
        if (policy.mode().hasRouter()) {
            SDVariable targets = sd.placeHolder(ROUTE_TARGETS, DataType.INT32, -1, -1);
            SDVariable all = sd.getVariable(ActionHeadRouter.LOG_PROBS);                     // [N, 2]
            SDVariable picked = all.mul(sd.oneHot(targets.reshape(-1), 2, -1, 1.0, 0.0, dt)).sum(1);
            picked.reshape(shape).mul(ROUTE_LOGP, mask);
        }
    }

    /** The loss and its metrics; {@link #attachLogProbs} must have been called on the same policy. */
    public static void attachLoss(Policy policy, LossConfig c) {
        SameDiff sd = policy.graph().sd();
        DataType dt = policy.graph().parameters().dtype();
        SDVariable mask = sd.getVariable(COMPLETION_MASK);
        SDVariable tokenMask = c.tokenLossOnSoftSteps() ? mask : sd.placeHolder(TOKEN_LOSS_MASK, dt, -1, -1);
        SDVariable adv = sd.placeHolder(ADVANTAGES, dt, -1, 1);
        SDVariable logp = sd.getVariable(TOKEN_LOGP);
        SDVariable old = sd.placeHolder(OLD_TOKEN_LOGP, dt, -1, -1).mul(mask);

        SDVariable tok = PolicyObjective.clippedSurrogate(sd, logp, old, adv, c.epsilon(), c.epsilonHigh());
        SDVariable klTok = null;
        if (c.beta() > 0) {
            klTok = PolicyObjective.k3(sd, sd.placeHolder(REF_TOKEN_LOGP, dt, -1, -1).mul(mask), logp);
            tok = tok.sub(klTok.mul(c.beta()));
        }
        SDVariable objective = tok.mul(tokenMask);
        SDVariable klRoute = null;
        if (policy.mode().hasRouter()) {
            SDVariable alogp = sd.getVariable(ROUTE_LOGP);
            SDVariable aold = sd.placeHolder(OLD_ROUTE_LOGP, dt, -1, -1).mul(mask);
            SDVariable act = PolicyObjective.clippedSurrogate(sd, alogp, aold, adv, c.epsilon(), c.epsilonHigh())
                    .mul(c.actionLossWeight());
            if (c.beta() > 0) {
                klRoute = PolicyObjective.k3(sd, sd.placeHolder(REF_ROUTE_LOGP, dt, -1, -1).mul(mask), alogp);
                act = act.sub(klRoute.mul(c.beta()));
            }
            objective = objective.add(act);
        }
        SDVariable loss = PolicyObjective.weightedLoss(objective, sd.placeHolder(LOSS_WEIGHTS, dt, -1, -1)).rename(LOSS);
        // what is differentiated: the loss of these positions, plus Σ present ⊙ G, where G is the gradient that later
        // positions (a later chunk of the same rows, which attends to this cache) sent back to this cache
        var config = policy.graph().config();
        SDVariable training = loss;
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            for (String present : List.of(DecoderGraph.presentKey(l), DecoderGraph.presentValue(l))) {
                SDVariable g = sd.placeHolder(cacheGradient(present), dt, -1, config.numKeyValueHeads(), -1, config.headDim());
                training = training.add(sd.getVariable(present).mul(g).sum());
            }
        }
        training.rename(TRAINING_LOSS);

        maskedSum(klTok, mask, KL_TOKEN);
        maskedSum(klRoute, mask, KL_ROUTE);
        maskedSum(PolicyObjective.clippedIndicator(sd, logp, old, adv, c.epsilon(), c.epsilonHigh()), mask, CLIP_RATIO);
        maskedSum(sd.getVariable(TokenLogProbs.TOKEN_ENTROPY).reshape(sd.shape(mask)), mask, ENTROPY);
        maskedSum(PolicyObjective.clippedLow(sd, logp, old, adv, c.epsilon()), mask, CLIP_LOW);
        maskedSum(PolicyObjective.clippedHigh(sd, logp, old, adv, c.epsilonHigh()), mask, CLIP_HIGH);
        if (policy.mode().hasRouter()) {
            maskedSum(sd.getVariable(ActionHeadRouter.ENTROPY).reshape(sd.shape(mask)), mask, ROUTE_ENTROPY);
        }
    }

    /** The placeholder of the gradient that later positions send back to a cache output ({@code present.*}). */
    public static String cacheGradient(String present) {
        return present + ".incoming_gradient";
    }

    private static void maskedSum(SDVariable x, SDVariable mask, String name) {
        if (x == null) {
            mask.getSameDiff().constant(name, 0.0);
        } else {
            x.mul(mask).sum().rename(name);
        }
    }
}

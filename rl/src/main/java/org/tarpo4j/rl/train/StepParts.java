package org.tarpo4j.rl.train;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.PolicyLoss;
import org.tarpo4j.rl.rollout.MixedRollout;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;

import java.util.HashSet;
import java.util.Set;

/**
 * What a step needs beside the policy: its objective attached to the policy's graph, the frozen reference (β > 0) and
 * the rollout. Built the same way by the trainer and by every Spark executor, so that both compute the same step.
 *
 * @param reference the reference policy, or null when β = 0
 * @param rollout   the rollout, decoding {@code rolloutRows} completions together
 */
record StepParts(ReferencePolicy reference, MixedRollout rollout) {
    /** Attaches the log-probs and the loss to {@code policy}'s graph and builds the reference and the rollout. */
    static StepParts attach(TarpoConfig config, Policy policy, TextDecoder text, int rolloutRows) {
        CausalLm model = policy.model();
        Set<Integer> banned = bannedIds(config, model);
        PolicyLoss.attachLogProbs(policy, config.temperature, banned);
        PolicyLoss.attachLoss(policy, config.loss());
        ReferencePolicy reference = config.beta > 0
                ? new ReferencePolicy(policy, config.referenceContext == ReferenceContext.MIXED, config.temperature, banned) : null;
        int pad = model.config().fillTokenId();
        MixedRollout rollout = new MixedRollout(policy, new RolloutConfig(config.numGenerations, config.sampling(),
                config.maxCompletionLength, config.greedyRouting, config.answerMarker,
                new HashSet<>(model.config().eosTokenIds()), banned, pad)
                .withBatchRows(rolloutRows), text);
        return new StepParts(reference, rollout);
    }

    private static Set<Integer> bannedIds(TarpoConfig c, CausalLm model) {
        if (c.bannedTokenIds != null) return Set.copyOf(c.bannedTokenIds);
        Set<Integer> b = new HashSet<>();
        if (model.config().padTokenId() != null) b.add(model.config().padTokenId());
        if (model.config().bosTokenId() != null && !model.config().eosTokenIds().contains(model.config().bosTokenId())) {
            b.add(model.config().bosTokenId());
        }
        b.removeAll(model.config().eosTokenIds()); // never ban the way to stop
        return b;
    }
}

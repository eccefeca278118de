package org.tarpo4j.rl.sft;

import java.util.Set;

/**
 * Supervised fine-tuning settings (AdamW with linear warm-up then constant, global-norm clipping).
 *
 * @param bannedTokenIds excluded from the log-softmax, exactly as in RL rollouts and training (PAD, BOS)
 */
public record SftConfig(int batchSize, double learningRate, int warmupSteps, double weightDecay, double beta1, double beta2,
                        double maxGradNorm, Set<Integer> bannedTokenIds) {
    public SftConfig {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0");
        bannedTokenIds = Set.copyOf(bannedTokenIds);
    }
}

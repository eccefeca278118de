package org.tarpo4j.rl.sft;

import java.util.Set;

/**
 * Supervised fine-tuning settings (AdamW with linear warm-up then constant, global-norm clipping).
 *
 * @param bannedTokenIds excluded from the log-softmax, exactly as in RL rollouts and training (PAD, BOS)
 * @param microBatchSize examples per forward/backward pass, their gradients accumulated into one update (the same
 *                       update whatever the size); 0 = the whole batch at once
 */
public record SftConfig(int batchSize, double learningRate, int warmupSteps, double weightDecay, double beta1, double beta2,
                        double maxGradNorm, Set<Integer> bannedTokenIds, int microBatchSize) {
    /** Settings that run each batch in one pass. */
    public SftConfig(int batchSize, double learningRate, int warmupSteps, double weightDecay, double beta1, double beta2,
                     double maxGradNorm, Set<Integer> bannedTokenIds) {
        this(batchSize, learningRate, warmupSteps, weightDecay, beta1, beta2, maxGradNorm, bannedTokenIds, 0);
    }

    /** These settings with another micro-batch size. */
    public SftConfig withMicroBatchSize(int size) {
        return new SftConfig(batchSize, learningRate, warmupSteps, weightDecay, beta1, beta2, maxGradNorm, bannedTokenIds, size);
    }

    /** {@code items} cut into consecutive micro-batches of {@link #microBatchSize} (one when it is 0). */
    public <T> java.util.List<java.util.List<T>> microBatches(java.util.List<T> items) {
        int size = microBatchSize == 0 ? Math.max(1, items.size()) : microBatchSize;
        java.util.List<java.util.List<T>> out = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i += size) out.add(items.subList(i, Math.min(items.size(), i + size)));
        return out;
    }

    public SftConfig {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0");
        bannedTokenIds = Set.copyOf(bannedTokenIds);
        if (microBatchSize < 0) throw new IllegalArgumentException("micro-batch size must be >= 0, got " + microBatchSize);
    }
}

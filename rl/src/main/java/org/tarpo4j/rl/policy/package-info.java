/**
 * A model with its latent mode and optional LoRA: the graph the rollout decodes with and the trainer differentiates;
 * what it samples ({@link org.tarpo4j.rl.policy.Completion}), and how a batch of samples is scored under it.
 *
 * <p>Stable API: {@link org.tarpo4j.rl.policy.Policy}, {@link org.tarpo4j.rl.policy.Completion}. Internal (may change without notice): {@code PolicyLoss},
 * {@code TrainingBatch}, {@code ChunkedPass}, {@code ChunkCache}.
 */
package org.tarpo4j.rl.policy;

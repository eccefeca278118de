/**
 * A model with its latent mode and optional LoRA: the graph the rollout decodes with and the trainer differentiates.
 *
 * <p>Stable API: {@link org.tarpo4j.rl.policy.Policy}. Internal (may change without notice): {@code PolicyLoss},
 * {@code TrainingBatch}.
 */
package org.tarpo4j.rl.policy;

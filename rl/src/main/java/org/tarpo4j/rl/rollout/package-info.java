/**
 * Sampling completions with per-step routing between hard and soft inputs.
 *
 * <p>Stable API: {@link org.tarpo4j.rl.rollout.TextDecoder}, {@link org.tarpo4j.rl.rollout.RolloutConfig}. Internal
 * (may change without notice): {@code MixedRollout}, {@code MarkerDetector}.
 */
package org.tarpo4j.rl.rollout;

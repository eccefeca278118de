/**
 * Reward functions: the extension point {@link org.tarpo4j.rl.reward.RewardFunction} (a named lambda: {@link
 * org.tarpo4j.rl.reward.RewardFunction#of}), their weighted sum, and the built-in GSM8K, MATH and format rewards. A
 * reward that throws or returns a non-finite value stops training or evaluation with a {@link
 * org.tarpo4j.rl.reward.RewardException} naming it, the step and the sample.
 *
 * <p>Stable API.
 */
package org.tarpo4j.rl.reward;

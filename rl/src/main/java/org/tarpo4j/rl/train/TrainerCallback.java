package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Hooks into a training step (like TRL's TrainerCallback), e.g. for logging or early stopping. The rewards and the
 * gradients may be modified (a non-finite value skips the step); the defaults do nothing.
 */
public interface TrainerCallback {
    /**
     * After rewards are computed, before advantages.
     *
     * @param step    steps completed before this one (0 during the first)
     * @param rewards each completion's total reward, prompt-major; a value set to NaN skips the step
     */
    default void onRewards(int step, double[] rewards) {}

    /**
     * After the backward pass, before the finite check, clipping and the update.
     *
     * @param step      steps completed before this one (0 during the first)
     * @param gradients by parameter name
     * @param loss      the step's loss
     */
    default void onGradients(int step, Map<String, INDArray> gradients, double loss) {}

    /**
     * After a step's metrics are complete (and written to {@code metrics.jsonl}).
     *
     * @param step    the step just completed, from 1 (as in {@code metrics.jsonl})
     * @param metrics its metrics
     */
    default void onStepEnd(int step, StepMetrics metrics) {}

    /** A callback that does nothing. */
    TrainerCallback NONE = new TrainerCallback() {};
}

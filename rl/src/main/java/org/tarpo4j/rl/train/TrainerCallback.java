package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Hooks into a training step (like TRL's TrainerCallback), e.g. for logging, early stopping or fault-injection tests.
 * Every method may modify what it is given; the defaults do nothing.
 */
public interface TrainerCallback {
    /** After rewards are computed, before advantages. */
    default void onRewards(int step, double[] rewards) {}

    /** After the backward pass, before the finite check, clipping and the update. */
    default void onGradients(int step, Map<String, INDArray> gradients, double[] loss) {}

    /** After a step's metrics are complete. */
    default void onStepEnd(int step, StepMetrics metrics) {}

    TrainerCallback NONE = new TrainerCallback() {};
}

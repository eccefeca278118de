package org.tarpo4j.examples.embedded;

import org.tarpo4j.examples.arith.ArithmeticTask;

/**
 * Sizes of the embedded default run, calibrated (shared/docs/embedded-task-calibration.md) to show an RL gain on a
 * 2-core CPU in minutes: a 100k-parameter Qwen2-shaped model, an SFT warm start to ~30% sampled accuracy, then RL.
 *
 * @param sftMaxSteps     cap on supervised steps
 * @param sftMinSteps     steps before the first early-stopping evaluation
 * @param sftEvalEvery    steps between early-stopping evaluations
 * @param sftTarget       stop SFT at the first evaluation whose sampled accuracy reaches this
 * @param rlSteps         RL optimiser steps
 * @param evalProblems    held-out problems evaluated before and after RL
 * @param evalSamples     samples per problem (avg@k at the training temperature)
 * @param actionBias      the router's initial bias b0 ({@code action_bias})
 * @param softTopK        k of the soft input's top-k mixture ({@code soft_top_k})
 * @param coconutStepsPerStage supervised steps per COCONUT curriculum stage (3 stages, 2 thoughts per replaced step)
 */
public record EmbeddedPreset(String name, ArithmeticTask.Config task, int hidden, int layers, int heads, int kvHeads,
                             int intermediate, int sftBatch, double sftLearningRate, int sftWarmup, int sftMinSteps,
                             int sftMaxSteps, int sftEvalEvery, double sftTarget, int rlSteps, int promptsPerStep,
                             int numGenerations, double rlLearningRate, double routerLearningRate, int warmupSteps,
                             int maxCompletionLength, double temperature, double actionBias, int softTopK, int heldOut, int evalProblems,
                             int evalSamples, int earlyStopProblems, int earlyStopSamples, int coconutStepsPerStage,
                             int coconutBatch, double coconutLearningRate) {

    /** The calibrated default: d=64, 2 layers, SFT up to 1000 steps of 64, RL 150 steps of 16 prompts × 8. */
    public static final EmbeddedPreset DEFAULT = new EmbeddedPreset("default", ArithmeticTask.Config.DEFAULT,
            64, 2, 4, 2, 192, 64, 3e-3, 30, 500, 1000, 100, 0.25,
            150, 16, 8, 3e-4, 1e-3, 10, 64, 1.0, 2.2, 10, 200, 200, 8, 100, 4, 100, 32, 1e-3);

    /** A minute-scale version for tests: same shapes of everything, far fewer steps. */
    public static final EmbeddedPreset TINY = new EmbeddedPreset("tiny", ArithmeticTask.Config.DEFAULT,
            32, 1, 2, 1, 64, 32, 3e-3, 5, 30, 60, 30, 0.99,
            4, 4, 4, 3e-4, 1e-3, 1, 48, 1.0, 2.2, 10, 40, 12, 2, 8, 2, 3, 8, 1e-3);

    /**
     * @param name {@code default} or {@code tiny}
     * @return that preset
     * @throws IllegalArgumentException for another name
     */
    public static EmbeddedPreset named(String name) {
        return switch (name) {
            case "default" -> DEFAULT;
            case "tiny" -> TINY;
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (default or tiny)");
        };
    }
}

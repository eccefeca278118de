package org.tarpo4j.examples.embedded;

import org.tarpo4j.examples.arith.ArithmeticTask;

/**
 * The task and model knobs of a comparison, each null where the preset's value stays. Applied to a preset they give
 * a preset whose name carries every change the warm start depends on (task, model shape, SFT length), so a changed
 * task or model never reuses another's cached warm start, while RL-only knobs (router bias, soft top-k, RL steps)
 * share it.
 *
 * @param minOperations   fewest operations of a problem
 * @param maxOperations   most operations
 * @param maxOperand      operands are drawn from 1..maxOperand
 * @param hiddenSize      model width d (heads stay as in the preset; the MLP keeps the preset's ratio to d)
 * @param numHiddenLayers model depth
 * @param actionBias      the router's initial bias b0
 * @param softTopK        k of the soft input's top-k mixture
 * @param maxSteps        RL steps
 * @param sftMaxSteps     cap on the warm start's supervised steps
 */
public record PresetOverrides(Integer minOperations, Integer maxOperations, Integer maxOperand, Integer hiddenSize,
                              Integer numHiddenLayers, Double actionBias, Integer softTopK, Integer maxSteps, Integer sftMaxSteps) {
    /** Changes nothing. */
    public static final PresetOverrides NONE = new PresetOverrides(null, null, null, null, null, null, null, null, null);

    /**
     * @param base the preset to change
     * @return {@code base} with the knobs that are set; its name is {@code base}'s with a suffix per changed knob that
     *         the warm start depends on, e.g. {@code default-ops4-5-d128}
     * @throws IllegalArgumentException naming the knob when a value is out of range or the model shape does not work
     */
    public EmbeddedPreset applyTo(EmbeddedPreset base) {
        ArithmeticTask.Config t = base.task();
        int minOps = or(minOperations, t.minOps()), maxOps = or(maxOperations, t.maxOps()), operand = or(maxOperand, t.maxOperand());
        if (minOps < 1 || maxOps < minOps) throw new IllegalArgumentException("operations: need 1 <= min <= max, got " + minOps + "-" + maxOps);
        if (operand < 1) throw new IllegalArgumentException("max_operand must be at least 1, got " + operand);
        ArithmeticTask.Config task = new ArithmeticTask.Config(minOps, maxOps, operand, t.noNegative(), t.seed());
        int hidden = or(hiddenSize, base.hidden()), layers = or(numHiddenLayers, base.layers());
        if (hidden % base.heads() != 0 || (hidden / base.heads()) % 2 != 0) {
            throw new IllegalArgumentException("hidden_size must be a multiple of 2 × " + base.heads() + " attention heads (an even "
                    + "head size for the rotary embedding), got " + hidden);
        }
        if (layers < 1) throw new IllegalArgumentException("num_hidden_layers must be at least 1, got " + layers);
        if (hidden * base.intermediate() % base.hidden() != 0) {
            throw new IllegalArgumentException("hidden_size " + hidden + " × " + base.intermediate() + "/" + base.hidden()
                    + " (the preset's MLP ratio) is not a whole number");
        }
        int intermediate = hidden * base.intermediate() / base.hidden();
        int topK = or(softTopK, base.softTopK()), steps = or(maxSteps, base.rlSteps()), sft = or(sftMaxSteps, base.sftMaxSteps());
        if (topK < 1) throw new IllegalArgumentException("soft_top_k must be at least 1, got " + topK);
        if (steps < 1) throw new IllegalArgumentException("max_steps must be at least 1, got " + steps);
        if (sft < 1) throw new IllegalArgumentException("sft_max_steps must be at least 1, got " + sft);
        double bias = actionBias == null ? base.actionBias() : actionBias;
        if (!Double.isFinite(bias)) throw new IllegalArgumentException("action_bias must be finite, got " + bias);

        String name = base.name() + (minOps != t.minOps() || maxOps != t.maxOps() ? "-ops" + minOps + "-" + maxOps : "")
                + (operand != t.maxOperand() ? "-operand" + operand : "") + (hidden != base.hidden() ? "-d" + hidden : "")
                + (layers != base.layers() ? "-l" + layers : "") + (sft != base.sftMaxSteps() ? "-sft" + sft : "");
        int completion = completionBudget(base.maxCompletionLength(), ArithmeticTask.longestReference(t).length() + 1,
                ArithmeticTask.longestReference(task).length() + 1);
        return new EmbeddedPreset(name, task, hidden, layers, base.heads(), base.kvHeads(), intermediate, base.sftBatch(),
                base.sftLearningRate(), base.sftWarmup(), base.sftMinSteps(), sft, base.sftEvalEvery(), base.sftTarget(), steps,
                base.promptsPerStep(), base.numGenerations(), base.rlLearningRate(), base.routerLearningRate(),
                Math.min(base.warmupSteps(), steps), completion, base.temperature(), bias, topK, base.heldOut(), base.evalProblems(),
                base.evalSamples(), base.earlyStopProblems(), base.earlyStopSamples(), base.coconutStepsPerStage(),
                base.coconutBatch(), base.coconutLearningRate());
    }

    /**
     * The completion budget: the preset's, scaled by how much longer the task's longest reference became, so a task
     * with more operations or larger operands keeps the preset's room for a wrong, longer chain (the calibrated
     * default gives 64 tokens to a worst case of 39).
     *
     * @param presetLength the preset's budget
     * @param presetWorst  tokens of the preset task's longest reference, EOS included
     * @param worst        the same for the changed task
     */
    static int completionBudget(int presetLength, int presetWorst, int worst) {
        return worst <= presetWorst ? presetLength : (int) Math.ceil((double) presetLength * worst / presetWorst);
    }

    private static int or(Integer value, int otherwise) {
        return value == null ? otherwise : value;
    }
}

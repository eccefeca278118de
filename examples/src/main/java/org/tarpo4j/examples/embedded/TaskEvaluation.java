package org.tarpo4j.examples.embedded;

import org.tarpo4j.examples.arith.ArithmeticTask;
import org.tarpo4j.examples.arith.ArithmeticTokenizer;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.eval.EvalResult;
import org.tarpo4j.rl.eval.Evaluator;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.rollout.RolloutConfig;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** Held-out accuracy of a policy on the embedded task: greedy (token and route argmax) and sampled avg@k. */
public final class TaskEvaluation {
    public static final long EVAL_SEED = 1234;

    private TaskEvaluation() {}

    public record Accuracy(EvalResult greedy, EvalResult sampled) {}

    public static Accuracy evaluate(EmbeddedTask task, Policy policy, List<Problem> problems, int samples, Consumer<Completion> sink) {
        return evaluate(task, policy, problems, samples, null, sink);
    }

    /** With COCONUT's continuous thoughts before each completion (null: none). */
    public static Accuracy evaluate(EmbeddedTask task, Policy policy, List<Problem> problems, int samples,
                                    RolloutConfig.ContinuousThoughts thoughts, Consumer<Completion> sink) {
        EmbeddedPreset p = task.preset();
        EvalResult greedy = evaluator(task, policy, SamplingConfig.greedyDecoding(), 1, true, thoughts)
                .evaluate("arith-greedy", problems, task.prompts(), ArithmeticTask.reward(), EVAL_SEED, null);
        EvalResult sampled = evaluator(task, policy, SamplingConfig.sample(p.temperature(), 0, 1.0), samples, false, thoughts)
                .evaluate("arith", problems, task.prompts(), ArithmeticTask.reward(), EVAL_SEED, sink);
        return new Accuracy(greedy, sampled);
    }

    /** Sampled avg@k only (for SFT early stopping). */
    public static double sampledAccuracy(EmbeddedTask task, Policy policy, List<Problem> problems, int samples) {
        return evaluator(task, policy, SamplingConfig.sample(task.preset().temperature(), 0, 1.0), samples, false, null)
                .evaluate("arith", problems, task.prompts(), ArithmeticTask.reward(), EVAL_SEED, null).avgAtK();
    }

    private static Evaluator evaluator(EmbeddedTask task, Policy policy, SamplingConfig sampling, int k, boolean greedyRouting,
                                       RolloutConfig.ContinuousThoughts thoughts) {
        RolloutConfig rc = new RolloutConfig(k, sampling, task.preset().maxCompletionLength(), greedyRouting, "####",
                Set.of(ArithmeticTokenizer.EOS_ID), Set.copyOf(EmbeddedTask.BANNED),
                ArithmeticTokenizer.PAD_ID, thoughts, 0);
        return new Evaluator(policy, rc, task.text(), Math.max(1, 256 / k));
    }
}

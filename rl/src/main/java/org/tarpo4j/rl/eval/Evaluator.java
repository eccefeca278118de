package org.tarpo4j.rl.eval;

import org.tarpo4j.models.generation.ContextWindow;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.memory.MemoryPlan;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.data.PromptLengths;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.progress.ProgressReporter;
import org.tarpo4j.rl.reward.AnswerExtraction;
import org.tarpo4j.rl.reward.MathReward;
import org.tarpo4j.rl.reward.NumericAnswer;
import org.tarpo4j.rl.reward.RewardException;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.rollout.MixedRollout;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Samples k completions per problem (stochastic routing, as the paper evaluates) and reports avg@k, unbiased pass@k,
 * maj@k (a vote over the reward's normalised answer keys, {@link RewardFunction#answerKey}) with a 95% interval,
 * generated and effective tokens, and the soft ratio. {@code rollout.numGenerations()} is k; prompts are processed
 * {@code promptsPerBatch} at a time. Before the first sample every prompt is checked to leave room for
 * {@code maxCompletionLength} tokens in the model's context, and the largest batch against ND4J's memory limit.
 */
public final class Evaluator {
    private final Policy policy;
    private final RolloutConfig rollout;
    private final TextDecoder text;
    private final int promptsPerBatch;

    /**
     * @param policy          the model with its latent mode (e.g. {@code trainer.policy()} after training)
     * @param rollout         k ({@code numGenerations}), sampling, length, marker, stop and banned ids
     * @param text            token ids to text, for the reward
     * @param promptsPerBatch prompts sampled together (each with k completions)
     */
    public Evaluator(Policy policy, RolloutConfig rollout, TextDecoder text, int promptsPerBatch) {
        this.policy = policy;
        this.rollout = rollout;
        this.text = text;
        this.promptsPerBatch = Math.max(1, promptsPerBatch);
    }

    /**
     * Samples k completions per problem and scores them: a completion is correct when the reward is at least 0.5.
     *
     * @param benchmark a label for the result and the progress line
     * @param problems  the problems
     * @param prompts   a problem's prompt ids
     * @param reward    scores a completion; one that throws or returns a non-finite value stops the evaluation with a
     *                  {@link org.tarpo4j.rl.reward.RewardException} naming the problem and the sample
     * @param seed      seeds the sampling
     * @param sink      receives every completion, or null
     * @return avg@k with its interval, pass@k, maj@k, tokens and the soft ratio
     * @throws IllegalArgumentException when a prompt leaves no room for the completion in the context
     */
    public EvalResult evaluate(String benchmark, List<Problem> problems, PromptEncoder prompts, RewardFunction reward, long seed,
                               Consumer<Completion> sink) {
        int k = rollout.numGenerations();
        // every prompt and the largest batch are checked before the first sample, not when their batch comes
        int longest = PromptLengths.requireFit(problems, prompts, rollout.maxCompletionLength(),
                new ContextWindow(policy.model().maxContext()), benchmark);
        MemoryPlan.generation(policy.model().config(), (long) Math.min(promptsPerBatch, problems.size()) * k, longest,
                rollout.maxCompletionLength(), policy.model().parameters().count()).requireWithinLimit();
        MixedRollout sampler = new MixedRollout(policy, rollout, text);
        Rng rng = new Rng(seed);
        double[] accuracy = new double[problems.size()];
        Map<Integer, double[]> pass = new LinkedHashMap<>();
        for (int j : EvalResult.passKs(k)) pass.put(j, new double[problems.size()]);
        double[] maj = new double[problems.size()];
        Map<String, Integer> perProblem = new LinkedHashMap<>();
        long tokens = 0, soft = 0, completions = 0;
        try (ProgressReporter progress = new ProgressReporter("eval " + benchmark, problems.size(), 0)) {
            for (int start = 0; start < problems.size(); start += promptsPerBatch) {
                List<Problem> chunk = problems.subList(start, Math.min(problems.size(), start + promptsPerBatch));
                List<int[]> ids = new ArrayList<>();
                for (Problem p : chunk) ids.add(prompts.encode(p));
                List<Completion> out = sampler.generate(ids, rng);
                for (int i = 0; i < chunk.size(); i++) {
                    Problem p = chunk.get(i);
                    int correct = 0;
                    List<String> keys = new ArrayList<>();
                    List<Boolean> ok = new ArrayList<>();
                    int row = start + i;
                    for (int j = 0; j < k; j++) {
                        Completion c = out.get(i * k + j);
                        boolean right = reward.checkedScore(c.text(), p.answer(), RewardException.Sample.evaluation(row, p.id(), j)) >= 0.5;
                        correct += right ? 1 : 0;
                        tokens += c.length();
                        soft += c.softSteps();
                        completions++;
                        keys.add(c.text() == null ? null : reward.answerKey(c.text(), p.answer()).orElse(null));
                        ok.add(right);
                        if (sink != null) sink.accept(c);
                    }
                    accuracy[row] = PassAtK.average(k, correct);
                    for (var e : pass.entrySet()) e.getValue()[row] = PassAtK.unbiased(k, correct, e.getKey());
                    maj[row] = PassAtK.majority(keys, ok);
                    perProblem.put(p.id(), correct);
                    progress.advance(String.format(java.util.Locale.ROOT, "avg %.3f", mean(accuracy, row + 1)));
                }
            }
        }
        Map<Integer, Double> passMeans = new LinkedHashMap<>();
        pass.forEach((j, v) -> passMeans.put(j, mean(v, v.length)));
        return new EvalResult(benchmark, problems.size(), k, mean(accuracy, accuracy.length), PassAtK.halfWidth95(accuracy),
                passMeans, mean(maj, maj.length), (double) tokens / completions, (double) (tokens - soft) / completions,
                tokens == 0 ? 0 : (double) soft / tokens, perProblem);
    }

    private static double mean(double[] x, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[i];
        return n == 0 ? 0 : s / n;
    }
}

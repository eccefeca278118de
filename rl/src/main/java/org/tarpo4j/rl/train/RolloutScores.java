package org.tarpo4j.rl.train;

import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.reward.RewardException;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.policy.Completion;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The rewards of a step's completions (or of a Spark executor's share of them), in their order.
 *
 * <p>Internal: public for {@code org.tarpo4j.rl.spark}, may change without notice.
 *
 * @param total  each completion's weighted total
 * @param byName each reward function's own score per completion, in the functions' order
 * @serial exclude (serialised only to travel between the JVMs of one Spark run)
 */
public record RolloutScores(double[] total, Map<String, double[]> byName) implements Serializable {
    /**
     * Scores completions; a function that throws or returns NaN/infinity stops the run with a {@link RewardException}
     * naming it and the sample (step, prompt index, problem id, generation index).
     *
     * @param rewards        the reward functions
     * @param step           steps completed before this one
     * @param numGenerations completions per prompt (the completions are prompt-major, whole groups)
     * @param completions    the completions
     * @param problemOf      the problem of a prompt index
     * @return the scores
     */
    public static RolloutScores score(WeightedRewards rewards, int step, int numGenerations, List<Completion> completions,
                                      IntFunction<Problem> problemOf) {
        int n = completions.size();
        double[] reward = new double[n];
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Completion c = completions.get(i);
            Problem problem = problemOf.apply(c.promptIndex());
            // a user's reward that throws or returns NaN/inf stops the run, naming it and the sample (prompt-major rows)
            RewardException.Sample sample = RewardException.Sample.training(step + 1, c.promptIndex(), problem.id(),
                    i % numGenerations);
            WeightedRewards.Scores s = rewards.scoreAll(c.text(), problem.answer(), sample);
            reward[i] = s.total();
            int row = i;
            s.byName().forEach((k, v) -> byName.computeIfAbsent(k, x -> new double[n])[row] = v);
        }
        return new RolloutScores(reward, byName);
    }
}

package org.tarpo4j.rl.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Built-in reward functions by name ({@code gsm8k}, {@code math}, {@code format}), for configs and the CLI. */
public final class RewardRegistry {
    private RewardRegistry() {}

    /**
     * A training reward: the answer after the only marker.
     *
     * @param name   {@code gsm8k}, {@code math} or {@code format}
     * @param marker the answer marker
     * @return the reward
     * @throws IllegalArgumentException for another name
     */
    public static RewardFunction byName(String name, String marker) {
        return byName(name, marker, AnswerRule.SINGLE_MARKER);
    }

    /**
     * With the answer read as {@code rule} says (the format reward always demands one marker).
     *
     * @param name   {@code gsm8k}, {@code math} or {@code format}
     * @param marker the answer marker
     * @param rule   which marker the answer follows
     * @return the reward
     * @throws IllegalArgumentException for another name
     */
    public static RewardFunction byName(String name, String marker, AnswerRule rule) {
        return switch (name) {
            case Gsm8kReward.NAME -> new Gsm8kReward(marker, rule);
            case MathReward.NAME -> new MathReward(marker, rule);
            case FormatReward.NAME -> new FormatReward(marker);
            default -> throw new IllegalArgumentException("unknown reward '" + name + "' (gsm8k, math or format)");
        };
    }

    /**
     * Built-in rewards by name, summed with weights (a config's {@code reward_weights}).
     *
     * @param weights reward name to weight
     * @param marker  the answer marker
     * @return their weighted sum
     * @throws IllegalArgumentException for an unknown name
     */
    public static WeightedRewards weighted(Map<String, Double> weights, String marker) {
        List<WeightedRewards.Term> terms = new ArrayList<>();
        weights.forEach((name, w) -> terms.add(new WeightedRewards.Term(byName(name, marker), w)));
        return new WeightedRewards(terms);
    }
}

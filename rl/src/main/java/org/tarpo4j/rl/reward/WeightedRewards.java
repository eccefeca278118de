package org.tarpo4j.rl.reward;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A weighted sum of reward functions. {@link #score} is the total; {@link #scoreAll} also gives each function's own
 * score, for metrics.
 *
 * @serial exclude (serialised only to travel between the JVMs of one Spark run)
 */
public final class WeightedRewards implements RewardFunction, java.io.Serializable { // Spark executors score with it when every function is Serializable
    /** The sum's own name (an error in the sum itself, such as an overflow, names it). */
    public static final String NAME = "weighted";

    /**
     * One term of the sum.
     *
     * @param function the reward function
     * @param weight   its weight, finite
     *
     * @serial exclude (serialised only to travel between the JVMs of one Spark run)
     */
    public record Term(RewardFunction function, double weight) implements java.io.Serializable {
        /**
         * @param function not null
         * @param weight   finite
         * @throws IllegalArgumentException for a non-finite weight
         */
        public Term {
            Objects.requireNonNull(function, "function");
            if (!Double.isFinite(weight)) throw new IllegalArgumentException("weight of " + function.name() + " is not finite: " + weight);
        }
    }

    /**
     * The weighted total and each function's unweighted score.
     *
     * @param total  the weighted sum
     * @param byName insertion-ordered as the terms, keyed by {@link RewardFunction#name()}
     */
    public record Scores(double total, Map<String, Double> byName) {
        /**
         * @param total  the weighted sum
         * @param byName copied, read-only
         */
        public Scores {
            byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
        }
    }

    private final List<Term> terms;

    /**
     * A sum of terms.
     *
     * @param terms at least one, with distinct names
     * @throws IllegalArgumentException for no terms, or two functions with the same name (their metrics would clash)
     */
    public WeightedRewards(List<Term> terms) {
        if (terms.isEmpty()) throw new IllegalArgumentException("at least one reward function is needed");
        Set<String> names = new HashSet<>();
        for (Term t : terms) {
            if (!names.add(t.function().name())) {
                throw new IllegalArgumentException("two reward functions are named '" + t.function().name() + "'");
            }
        }
        this.terms = List.copyOf(terms);
    }

    /**
     * Convenience for a single function with weight 1.
     *
     * @param function the reward function
     * @return the sum of that one term
     */
    public static WeightedRewards of(RewardFunction function) {
        return new WeightedRewards(List.of(new Term(function, 1.0)));
    }

    /** @return the terms, in order */
    public List<Term> terms() {
        return terms;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double score(String completion, String goldAnswer) {
        return scoreAll(completion, goldAnswer).total();
    }

    /**
     * Every function's score and the weighted total, unchecked.
     *
     * @param completion the decoded completion text
     * @param goldAnswer the problem's gold final answer
     * @return the total and each function's own score
     */
    public Scores scoreAll(String completion, String goldAnswer) {
        return scoreAll(completion, goldAnswer, null);
    }

    /**
     * Every function's score and the weighted total, each function's through {@link RewardFunction#checkedScore}.
     *
     * @param completion the decoded completion text
     * @param goldAnswer the problem's gold final answer
     * @param sample     which completion this is; null scores unchecked
     * @return the total and each function's own score
     * @throws RewardException naming the function that threw or returned a non-finite value
     */
    public Scores scoreAll(String completion, String goldAnswer, RewardException.Sample sample) {
        Map<String, Double> byName = new LinkedHashMap<>();
        double total = 0;
        for (Term t : terms) {
            RewardFunction f = t.function();
            double s = sample == null ? f.score(completion, goldAnswer) : f.checkedScore(completion, goldAnswer, sample);
            byName.put(f.name(), s);
            total += t.weight() * s;
        }
        if (sample != null && !Double.isFinite(total)) {
            throw new RewardException(NAME, sample, "summed to " + total + " (" + byName + ", weights " + this + ")", null);
        }
        return new Scores(total, byName);
    }

    /** Checks each function, so that an error names the function that failed rather than the sum. */
    @Override
    public double checkedScore(String completion, String goldAnswer, RewardException.Sample sample) {
        return scoreAll(completion, goldAnswer, sample).total();
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        for (Term t : terms) parts.add(t.weight() + "*" + t.function().name());
        return "WeightedRewards[" + String.join(" + ", parts) + "]";
    }
}

package org.tarpo4j.rl.reward;

import java.util.Objects;
import java.util.Optional;

/**
 * Scores one completion against the gold answer of its problem: the extension point for your own rewards.
 *
 * <p>Write one as a lambda with a name (the name is the metric key {@code rewards/<name>/mean} and appears in
 * errors):
 * <pre>{@code
 * RewardFunction brevity = RewardFunction.of("brevity", (completion, gold) -> completion.length() <= 40 ? 1.0 : 0.0);
 * WeightedRewards rewards = new WeightedRewards(List.of(
 *         new WeightedRewards.Term(new Gsm8kReward(), 1.0), new WeightedRewards.Term(brevity, 0.1)));
 * }</pre>
 * or as a class implementing both methods. The trainer ({@code TarpoTrainer}) and the evaluator ({@code Evaluator})
 * score every completion through {@link #checkedScore}: a reward that throws, or returns NaN or an infinity, stops the
 * run with a {@link RewardException} naming the reward, the training step and the sample (prompt index, problem id,
 * generation index).
 *
 * <p>Implementations must be pure and thread-safe: the same arguments always give the same score, whichever thread
 * asks, so rollouts may be scored in parallel.
 */
public interface RewardFunction {
    /**
     * A short stable name, used as the metric key (e.g. {@code "gsm8k"}).
     *
     * @return the name, unique among the functions of one {@link WeightedRewards}
     */
    String name();

    /**
     * The reward of {@code completion}.
     *
     * @param completion the decoded completion text (special tokens already removed)
     * @param goldAnswer the problem's gold final answer, as the dataset loaders produce it
     * @return the score; must be finite
     */
    double score(String completion, String goldAnswer);

    /**
     * The score of one completion of a training step or an evaluation, with every failure of this function reported
     * as a {@link RewardException} that names it and the sample.
     *
     * @param completion the decoded completion text
     * @param goldAnswer the problem's gold final answer
     * @param sample     which completion this is, for the error message
     * @return the finite score
     * @throws RewardException when {@link #score} throws or returns a non-finite value
     */
    default double checkedScore(String completion, String goldAnswer, RewardException.Sample sample) {
        double s;
        try {
            s = score(completion, goldAnswer);
        } catch (RewardException e) {
            throw e; // already names the culprit (a nested WeightedRewards)
        } catch (RuntimeException e) {
            throw new RewardException(name(), sample, "threw " + e, e);
        }
        if (!Double.isFinite(s)) throw new RewardException(name(), sample, "returned " + s, null);
        return s;
    }

    /**
     * The lambda form of a reward: what {@link #of} turns into a {@link RewardFunction}.
     */
    @FunctionalInterface
    interface Scorer {
        /**
         * The reward of {@code completion}.
         *
         * @param completion the decoded completion text (special tokens already removed)
         * @param goldAnswer the problem's gold final answer
         * @return the score; must be finite
         */
        double score(String completion, String goldAnswer);
    }

    /**
     * A reward function from a name and a lambda.
     *
     * @param name   the metric key and the name in errors: letters, digits, {@code _}, {@code -} or {@code .}
     * @param scorer the score of a completion given the gold answer
     * @return a reward function whose {@code toString()} is its name
     * @throws IllegalArgumentException for an empty name or one with other characters
     */
    static RewardFunction of(String name, Scorer scorer) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scorer, "scorer");
        if (!name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("reward name '" + name + "' must be non-empty and use only letters, digits, _, - or .");
        }
        return new RewardFunction() {
            @Override public String name() { return name; }

            @Override public double score(String completion, String goldAnswer) { return scorer.score(completion, goldAnswer); }

            @Override public String toString() { return name; }
        };
    }

    /**
     * The completion's final answer in the normalised form this reward compares, for majority voting: two completions
     * with the same key give the same answer, and a key is correct exactly when the completions that give it score 1.
     * Empty when the completion gives no answer (or the reward does not read one).
     *
     * @param completion the generated text
     * @param goldAnswer the dataset's answer (a reward may return the gold key for a reading that matches it)
     * @return the normalised answer, or empty
     */
    default Optional<String> answerKey(String completion, String goldAnswer) {
        return Optional.empty();
    }
}

package org.tarpo4j.rl.reward;

import java.util.Optional;

/**
 * Scores one completion against the gold answer of its problem.
 *
 * <p>Implementations are pure and thread-safe: the same arguments always give the same score, whichever thread
 * asks, so rollouts may be scored in parallel.
 */
public interface RewardFunction {
    /** A short stable name, used as the metric key (e.g. {@code "gsm8k"}). */
    String name();

    /**
     * The reward of {@code completion}.
     *
     * @param completion the decoded completion text (special tokens already removed)
     * @param goldAnswer the problem's gold final answer, as the dataset loaders produce it
     */
    double score(String completion, String goldAnswer);

    /**
     * The completion's final answer in the normalised form this reward compares, for majority voting: two completions
     * with the same key give the same answer, and a key is correct exactly when the completions that give it score 1.
     * Empty when the completion gives no answer (or the reward does not read one).
     */
    default Optional<String> answerKey(String completion, String goldAnswer) {
        return Optional.empty();
    }
}

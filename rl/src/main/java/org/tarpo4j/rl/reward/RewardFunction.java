package org.tarpo4j.rl.reward;

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
}

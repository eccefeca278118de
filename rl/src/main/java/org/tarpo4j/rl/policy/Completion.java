package org.tarpo4j.rl.policy;

/**
 * One sampled completion and what the training step needs of it. Arrays are indexed by completion step t; every
 * step up to and including the stop token is a real token (the completion mask is implicit: {@code length()}).
 *
 * @param promptIndex   which prompt of the batch it answers
 * @param tokens        sampled ids v_t
 * @param routes        d_t: 1 if the input for v_t's position was the soft embedding, else 0 (always 0 in grpo)
 * @param softIds       the top-k ids of p_t where the input was soft (or mixed, in hrpo); zeros otherwise
 * @param softWeights   their weights
 * @param latentInputs  with hidden-state soft inputs: the vector fed at soft steps (null at hard steps); else null
 * @param tokenLogProbs log π(v_t) under the sampling policy (full vocabulary at the temperature, banned ids excluded)
 * @param routeLogProbs log ρ(d_t) under the sampling router (0 without a router)
 * @param stopped       true if a stop token ended it, false if it hit the length limit
 * @param text          the decoded completion (special tokens skipped), or null without a tokenizer
 * @param tokenEntropies each step's entropy (nats) of the distribution v_t was sampled from, at the sampling
 *                      temperature over the allowed ids (how unsure the model was; the routing view bins by it), or
 *                      null where it was not recorded
 *
 * @serial exclude (serialised only to travel between the JVMs of one Spark run)
 */
public record Completion(int promptIndex, int[] tokens, int[] routes, int[][] softIds, float[][] softWeights,
                         float[][] latentInputs, double[] tokenLogProbs, double[] routeLogProbs, boolean stopped, String text,
                         double[] tokenEntropies)
        implements java.io.Serializable { // Spark executors send their completions back to the trainer
    /**
     * A completion without per-step entropies ({@code tokenEntropies} null), as built before they were recorded.
     *
     * @param promptIndex   which prompt of the batch it answers
     * @param tokens        sampled ids
     * @param routes        1 where the input for the token's position was soft, else 0
     * @param softIds       the top-k ids where the input was soft or mixed
     * @param softWeights   their weights
     * @param latentInputs  the vectors fed at soft steps with hidden-state soft inputs, else null
     * @param tokenLogProbs log-probs of the tokens under the sampling policy
     * @param routeLogProbs log-probs of the routes under the sampling router
     * @param stopped       whether a stop token ended it
     * @param text          the decoded completion, or null
     */
    public Completion(int promptIndex, int[] tokens, int[] routes, int[][] softIds, float[][] softWeights, float[][] latentInputs,
                      double[] tokenLogProbs, double[] routeLogProbs, boolean stopped, String text) {
        this(promptIndex, tokens, routes, softIds, softWeights, latentInputs, tokenLogProbs, routeLogProbs, stopped, text, null);
    }

    /** @return the number of tokens, the stop token included */
    public int length() { return tokens.length; }

    /** @return the number of steps whose input was soft */
    public int softSteps() {
        int n = 0;
        for (int r : routes) n += r;
        return n;
    }
}

package org.tarpo4j.rl.rollout;

import org.tarpo4j.models.generation.SamplingConfig;

import java.util.Set;

/**
 * How completions are sampled.
 *
 * @param numGenerations        completions per prompt (G)
 * @param sampling              token sampling (the paper: temperature 0.5, top-k 50)
 * @param maxCompletionLength   tokens per completion at most
 * @param greedyRouting         take the router's argmax instead of sampling a route (debugging)
 * @param answerMarker          once the completion contains it, every later step is hard (e.g. {@code ####})
 * @param stopTokenIds          ids that end a completion (kept as its last token)
 * @param bannedTokenIds        never sampled (PAD, BOS), and equally excluded from the log-probs
 * @param padTokenId            fills finished rows
 * @param thoughts              COCONUT: continuous thoughts between the prompt and the completion, or null
 * @param batchRows             completions decoded together at most (the KV cache and the prefill are sized by it);
 *                              0 = all of them. A completion is the same whatever the batching (its own random stream)
 */
public record RolloutConfig(int numGenerations, SamplingConfig sampling, int maxCompletionLength, boolean greedyRouting,
                            String answerMarker, Set<Integer> stopTokenIds, Set<Integer> bannedTokenIds, int padTokenId,
                            ContinuousThoughts thoughts, int batchRows) {
    /**
     * COCONUT's latent segment: {@code begin}, {@code count} hidden states fed back as inputs, then {@code end}.
     *
     * @param count   thoughts, at least 0
     * @param beginId the begin-of-thought token
     * @param endId   the end-of-thought token
     */
    public record ContinuousThoughts(int count, int beginId, int endId) {
        /**
         * @param count   at least 0
         * @param beginId the begin-of-thought token
         * @param endId   the end-of-thought token
         * @throws IllegalArgumentException for a negative count
         */
        public ContinuousThoughts {
            if (count < 0) throw new IllegalArgumentException("thought count must be >= 0, got " + count);
        }
    }

    /**
     * Without continuous thoughts.
     *
     * @param numGenerations      completions per prompt
     * @param sampling            token sampling
     * @param maxCompletionLength tokens per completion at most
     * @param greedyRouting       take the router's argmax
     * @param answerMarker        routes are hard once the completion contains it
     * @param stopTokenIds        ids that end a completion
     * @param bannedTokenIds      never sampled
     * @param padTokenId          fills finished rows
     */
    public RolloutConfig(int numGenerations, SamplingConfig sampling, int maxCompletionLength, boolean greedyRouting,
                         String answerMarker, Set<Integer> stopTokenIds, Set<Integer> bannedTokenIds, int padTokenId) {
        this(numGenerations, sampling, maxCompletionLength, greedyRouting, answerMarker, stopTokenIds, bannedTokenIds, padTokenId, null, 0);
    }

    /**
     * @param t COCONUT's thoughts
     * @return this config with them
     */
    public RolloutConfig withThoughts(ContinuousThoughts t) {
        return new RolloutConfig(numGenerations, sampling, maxCompletionLength, greedyRouting, answerMarker, stopTokenIds,
                bannedTokenIds, padTokenId, t, batchRows);
    }

    /**
     * @param rows completions decoded together at most; 0 = all of them
     * @return this config with that batch size
     * @throws IllegalArgumentException for a negative count
     */
    public RolloutConfig withBatchRows(int rows) {
        return new RolloutConfig(numGenerations, sampling, maxCompletionLength, greedyRouting, answerMarker, stopTokenIds,
                bannedTokenIds, padTokenId, thoughts, rows);
    }

    /**
     * Checks the values and copies the id sets.
     *
     * @param numGenerations      positive
     * @param sampling            token sampling
     * @param maxCompletionLength positive
     * @param greedyRouting       take the router's argmax
     * @param answerMarker        non-empty
     * @param stopTokenIds        ids that end a completion
     * @param bannedTokenIds      never sampled
     * @param padTokenId          fills finished rows
     * @param thoughts            COCONUT's thoughts, or null
     * @param batchRows           completions decoded together at most, at least 0 (0 = all of them)
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public RolloutConfig {
        if (numGenerations <= 0) throw new IllegalArgumentException("numGenerations must be positive, got " + numGenerations);
        if (maxCompletionLength <= 0) throw new IllegalArgumentException("maxCompletionLength must be positive, got " + maxCompletionLength);
        if (answerMarker == null || answerMarker.isEmpty()) throw new IllegalArgumentException("answerMarker must be non-empty");
        if (batchRows < 0) throw new IllegalArgumentException("batchRows must be >= 0, got " + batchRows);
        stopTokenIds = Set.copyOf(stopTokenIds);
        bannedTokenIds = Set.copyOf(bannedTokenIds);
    }
}

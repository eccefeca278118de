package org.tarpo4j.models.generation;

import java.util.Set;

/**
 * @param maxNewTokens  upper bound on generated tokens per row
 * @param sampling      how each token is drawn
 * @param seed          seeds the sampling generator: same seed, same prompts → same output
 * @param stopTokenIds  ids that end a row (EOS ids of the model, end-of-turn tokens); the stop id is kept in the output
 * @param bannedTokenIds ids never sampled (e.g. PAD, BOS)
 * @param padTokenId    fed to rows that already stopped while others continue
 */
public record GenerationConfig(int maxNewTokens, SamplingConfig sampling, long seed, Set<Integer> stopTokenIds,
                               Set<Integer> bannedTokenIds, int padTokenId) {
    /**
     * Checks the length and copies the id sets.
     *
     * @param maxNewTokens   at least 0
     * @param sampling       how each token is drawn
     * @param seed           the sampling seed
     * @param stopTokenIds   ids that end a row
     * @param bannedTokenIds ids never sampled
     * @param padTokenId     fed to rows that stopped
     * @throws IllegalArgumentException for a negative length
     */
    public GenerationConfig {
        if (maxNewTokens < 0) throw new IllegalArgumentException("max_new_tokens must be >= 0, got " + maxNewTokens);
        stopTokenIds = Set.copyOf(stopTokenIds);
        bannedTokenIds = Set.copyOf(bannedTokenIds);
    }
}

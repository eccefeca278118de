package org.tarpo4j.rl.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * How an executor builds its copy of the trainer's step: the model to load, the run's config, the trainer's memory plan,
 * the fingerprint its loaded model must have, and the trainer's rewards and token decoding when they serialise.
 *
 * @param modelPath      what executors load (an absolute directory, or a hub id)
 * @param configJson     the run's config
 * @param rolloutRows    completions decoded together
 * @param microBatchRows completions per forward/backward pass
 * @param chunkLength    positions per pass of a row
 * @param fingerprint    the trainer's starting model's fingerprint (after the policy's adapters and heads are added)
 * @param rewards        the serialised {@code WeightedRewards}, or null: the trainer scores
 * @param text           the serialised {@code TextDecoder}, or null: the model directory's tokenizer
 */
record ReplicaSpec(String modelPath, String configJson, int rolloutRows, int microBatchRows, int chunkLength, long fingerprint,
                   byte[] rewards, byte[] text) implements Serializable {
    /** @return what identifies a built replica: equal keys, interchangeable replicas */
    String key() {
        return Objects.hash(modelPath, configJson, rolloutRows, microBatchRows, chunkLength, Arrays.hashCode(rewards), Arrays.hashCode(text))
                + ":" + fingerprint;
    }
}

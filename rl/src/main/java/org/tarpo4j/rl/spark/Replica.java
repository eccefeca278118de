package org.tarpo4j.rl.spark;

import org.apache.spark.broadcast.Broadcast;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.StepWorker;
import org.tarpo4j.rl.train.TarpoConfig;

/**
 * One executor-side copy of the trainer's step: the model loaded from the spec's path, its {@link StepWorker}, and the
 * rewards. Used by one task at a time; it remembers which broadcast weights it holds.
 */
final class Replica implements AutoCloseable {
    final String key;
    final StepWorker worker;
    final WeightedRewards rewards;     // null: the trainer scores
    private final CausalLm model;
    private long appliedState = Long.MIN_VALUE;

    private Replica(String key, CausalLm model, StepWorker worker, WeightedRewards rewards) {
        this.key = key;
        this.model = model;
        this.worker = worker;
        this.rewards = rewards;
    }

    /** Loads the model, builds the step and checks the model is the trainer's; failures name the path and the cause. */
    static Replica load(ReplicaSpec spec, String where) {
        CausalLm model;
        try {
            model = CausalLm.fromPretrained(spec.modelPath());
        } catch (Exception e) {
            throw new ExecutorFailure(where + ": cannot load model_path '" + spec.modelPath() + "' (" + e.getMessage()
                    + "). Every executor loads the model from this path itself: put it where all workers can read it "
                    + "(a shared file system, or the same directory on every worker)", e);
        }
        TextDecoder text;
        if (spec.text() != null) {
            text = JavaBytes.read(spec.text());
        } else {
            if (model.tokenizer().isEmpty()) {
                throw new ExecutorFailure(where + ": model_path '" + spec.modelPath() + "' has no tokenizer.json, and the "
                        + "trainer's TextDecoder is not Serializable", null);
            }
            text = TextDecoder.of(model.requireTokenizer(), model.config().vocabSize());
        }
        TarpoConfig config = TarpoConfig.fromJson(spec.configJson());
        StepWorker worker = new StepWorker(config, model, text, spec.rolloutRows(), spec.microBatchRows(), spec.chunkLength());
        long fingerprint = StepWorker.fingerprint(model.parameters());
        if (fingerprint != spec.fingerprint()) {
            model.close();
            throw new ExecutorFailure(where + ": the model loaded from model_path '" + spec.modelPath() + "' is not the "
                    + "trainer's (weights fingerprint " + Long.toHexString(fingerprint) + ", the trainer's "
                    + Long.toHexString(spec.fingerprint()) + "): every worker must see the checkpoint the trainer started from", null);
        }
        WeightedRewards rewards = spec.rewards() == null ? null : JavaBytes.read(spec.rewards());
        return new Replica(spec.key(), model, worker, rewards);
    }

    /**
     * Puts the trainer's weights of broadcast {@code id} into the model, unless it holds them already.
     *
     * @return nanoseconds spent fetching and assigning them
     */
    long apply(long id, Broadcast<byte[]> state) {
        if (appliedState == id) return 0;
        long t0 = System.nanoTime();
        TrainableState s = JavaBytes.read(state.value());
        appliedState = Long.MIN_VALUE; // a failure half way leaves it unknown
        s.applyTo(worker.trainable());
        appliedState = id;
        return System.nanoTime() - t0;
    }

    @Override
    public void close() { model.close(); }
}

package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.rollout.TextDecoder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trainer's step without the trainer: the policy, its objective, reference and rollout built on a model exactly as
 * {@link TarpoTrainer} builds them, for a process that computes part of a step (a Spark executor). The trainer's
 * current weights are assigned into {@link #trainable()}; then it generates some of the step's prompts'
 * completions, and computes the gradient of some of its completions weighted as in the whole step.
 *
 * <p>Internal: public for {@code org.tarpo4j.rl.spark}, may change without notice.
 */
public final class StepWorker {
    private final TarpoConfig config;
    private final Policy policy;
    private final TrainableParameters trainable;
    private final StepParts parts;
    private final int microBatchRows;
    private final int chunkLength;

    /**
     * @param config         the run's config (as the trainer has it)
     * @param model          the starting model (its arrays are used in place)
     * @param text           token ids to text (marker detection and the rewards' text)
     * @param rolloutRows    completions decoded together (the trainer's memory plan)
     * @param microBatchRows completions per forward/backward pass (the trainer's memory plan)
     * @param chunkLength    positions per pass of a row (the trainer's memory plan)
     */
    public StepWorker(TarpoConfig config, CausalLm model, TextDecoder text, int rolloutRows, int microBatchRows, int chunkLength) {
        config.validate();
        this.config = config;
        this.policy = new Policy(model, config.mode, config.softInput(), config.router(), config.lora());
        this.trainable = TrainableParameters.select(model.parameters(), config.useLora);
        this.parts = StepParts.attach(config, policy, text, rolloutRows);
        this.microBatchRows = microBatchRows;
        this.chunkLength = chunkLength;
    }

    /** @return the trainable parameters' live arrays, by name, in the trainer's order */
    public Map<String, INDArray> trainable() {
        Map<String, INDArray> m = new LinkedHashMap<>(trainable.backbone());
        m.putAll(trainable.heads());
        return m;
    }

    /** @return the model's parameters (frozen and trainable) */
    public Parameters parameters() { return policy.model().parameters(); }

    /**
     * G completions of each prompt, as the trainer's rollout samples them for the step's prompts of these indices.
     *
     * @param prompts       prompt ids
     * @param promptIndices each prompt's index in the step
     * @param seed          the step's seed
     * @return the completions, prompt-major
     */
    public List<Completion> rollout(List<int[]> prompts, int[] promptIndices, long seed) {
        return parts.rollout().generate(prompts, promptIndices, seed);
    }

    /**
     * The gradient of these completions at the current weights, micro-batched as the trainer's plan says and weighted
     * as in their whole step, so that the gradients and metrics of a step's disjoint parts add up to the step's.
     *
     * @param prompts     each completion's prompt ids
     * @param completions the completions
     * @param advantages  each completion's advantage (computed over the whole step)
     * @param rowWeights  each completion's loss weight ({@link #rowWeights})
     * @param stepTokens  the step's completion tokens in the loss ({@link #rowWeights})
     * @return the gradients (the caller closes them) and metrics
     */
    public StepGradient.Result gradient(List<int[]> prompts, List<Completion> completions, double[] advantages,
                                        double[] rowWeights, long stepTokens) {
        try (PolicyGradient g = new PolicyGradient(policy, parts.reference(), config, microBatchRows, chunkLength, prompts,
                completions, advantages, rowWeights, stepTokens, parts.rollout().config().padTokenId())) {
            return g.compute(trainable.names());
        }
    }

    /**
     * The loss weights of a whole step's completions and its tokens in the loss (what executors computing parts of
     * it need of the whole).
     *
     * @param weights each completion's weight
     * @param tokens  the step's completion tokens in the loss
     */
    public record RowWeights(double[] weights, long tokens) {}

    /**
     * @param config      the run's config (loss type, masking of truncated completions)
     * @param completions all of a step's completions
     * @return their loss weights and token count
     */
    public static RowWeights rowWeights(TarpoConfig config, List<Completion> completions) {
        int[] tokens = PolicyGradient.rowTokens(config, completions);
        return new RowWeights(PolicyGradient.rowWeights(config, tokens), PolicyGradient.sum(tokens));
    }

    /**
     * A 64-bit digest of every parameter's name, shape and exact float bits, in name order: two processes that built
     * the same model from the same checkpoint get the same value, and almost surely different ones otherwise.
     *
     * @param parameters the parameters
     * @return the digest
     */
    public static long fingerprint(Parameters parameters) {
        long h = 0x243F6A8885A308D3L;
        for (var e : new TreeMap<>(parameters.asMap()).entrySet()) {
            h = mix(h, e.getKey().hashCode());
            INDArray a = e.getValue();
            for (long d : a.shape()) h = mix(h, d);
            INDArray c = a.isView() || a.offset() != 0 || a.ordering() != 'c' ? a.dup('c') : a;
            ByteBuffer b = c.data().asNio().order(ByteOrder.nativeOrder());
            long bytes = c.length() * c.data().getElementSize();
            b.limit((int) Math.min(b.capacity(), bytes));
            while (b.remaining() >= 8) h = mix(h, b.getLong());
            while (b.hasRemaining()) h = mix(h, b.get());
        }
        return h;
    }

    private static long mix(long h, long v) {
        h ^= v + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
        return h * 0xBF58476D1CE4E5B9L;
    }
}

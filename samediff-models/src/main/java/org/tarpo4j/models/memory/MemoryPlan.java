package org.tarpo4j.models.memory;

import org.bytedeco.javacpp.Pointer;
import org.tarpo4j.models.config.ModelConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The planned peak memory of a run, by component, from its shapes and settings alone: printed before a run starts and
 * checked against the process's limit before anything is allocated. The parts held all the time ({@link #always()})
 * come first; the rollout's and the update's working memory ({@link #rollout()}, {@link #update()}) never coexist (each
 * is released before the other starts), so the peak is the larger of the two on top of the rest.
 *
 * <p>The coefficients of the working memory were measured on this implementation (the session memory of SameDiff
 * passes at several shapes, {@code RecyclingMemory.peakBytes}); the README's real-size table compares the plan with the
 * measured peak resident memory.
 *
 * @param what   the request, for messages (e.g. "a training step")
 * @param key    the setting that bounds the working memory, named when a plan is refused
 */
public record MemoryPlan(String what, Map<String, Long> always, Map<String, Long> rollout, Map<String, Long> update,
                         String key) {
    private static final long FLOAT = Float.BYTES;
    /** The JVM with its heap in use, ND4J's and the tokenizer's native libraries (measured: 0.44 GB besides the weights). */
    public static final long RUNTIME_BYTES = 500L << 20;
    // the working memory of a forward and backward pass in floats, fitted to the session memory measured at eight
    // shapes (hidden 256-512, MLP 688-2048, 8-16 heads, 2-4 layers, vocabulary 8k-32k, 64-256 positions; every fit
    // within 5%):
    /** per layer and position, times the hidden size: the residual stream, norms, q/k/v and rotary, kept for backward */
    static final double HIDDEN_PER_TOKEN = 30.5;
    /** per layer and position, times the MLP width: gate, up, their activation and product, and their gradients */
    static final double MLP_PER_TOKEN = 9.4;
    /** per layer, row, head and pair of positions: scores, mask, softmax and its gradient */
    static final double ATTENTION_PER_PAIR = 4.7;
    /** per position, times the hidden size, outside the layers: embeddings, final norm, router, the head's inputs */
    static final double OUTSIDE_LAYERS_PER_TOKEN = 47;
    /** per position, times the vocabulary: logits, exponentials, probabilities of a frozen head (forward only) */
    static final double VOCABULARY_PER_TOKEN = 3.1;
    /** the same for a trained head, whose logits are differentiated */
    static final double VOCABULARY_PER_TOKEN_TRAINED_HEAD = 7.0;

    /**
     * Keeps the parts in their printing order and unmodifiable.
     *
     * @param what    the request, for messages
     * @param always  bytes held all the time, by part
     * @param rollout the rollout's working memory, by part
     * @param update  the update's working memory, by part
     * @param key     the setting that bounds the working memory
     */
    public MemoryPlan {
        always = Collections.unmodifiableMap(new LinkedHashMap<>(always));
        rollout = Collections.unmodifiableMap(new LinkedHashMap<>(rollout));
        update = Collections.unmodifiableMap(new LinkedHashMap<>(update));
    }

    /**
     * Sampling {@code newTokens} tokens for {@code rows} prompts left-padded to {@code promptWidth}, beside the
     * model's {@code parameterCount} weights: the KV cache at its full length, the prefill's logits at every prompt
     * position and the prefill's working memory (one layer at a time, nothing kept for a backward pass).
     *
     * @param c              the model's shape
     * @param rows           prompts sampled together
     * @param promptWidth    positions of the longest prompt
     * @param newTokens      tokens sampled per prompt
     * @param parameterCount every value of the model
     * @return the plan
     */
    public static MemoryPlan generation(ModelConfig c, long rows, long promptWidth, long newTokens, long parameterCount) {
        Map<String, Long> always = new LinkedHashMap<>();
        always.put("weights", mul(parameterCount, FLOAT));
        always.put("JVM and native libraries", RUNTIME_BYTES);
        return new MemoryPlan(String.format(Locale.ROOT, "sampling %d rows × (%d prompt + %d new) positions", rows,
                promptWidth, newTokens), always, rolloutParts(c, rows, promptWidth, newTokens), Map.of(), "the batch size");
    }

    /**
     * The shapes and settings of a training step.
     *
     * @param parameterCount   every value of the model (adapters and heads included)
     * @param trainableCount   values that train (adapters and heads under LoRA)
     * @param referenceCopy    values the frozen reference holds a second time (full fine-tuning with a KL term), or 0
     * @param rolloutRows      completions decoded together
     * @param microBatchRows   completions per forward/backward pass
     * @param width            positions of a training row (longest prompt + completion length)
     * @param chunkLength      positions of a row per pass (a longer row goes in chunks over the cache of the earlier ones)
     * @param headTrains       whether the output head trains (full fine-tuning): its logits are then differentiated
     */
    public record Training(long parameterCount, long trainableCount, long referenceCopy, long rolloutRows, long promptWidth,
                           long newTokens, long microBatchRows, long width, long chunkLength, boolean headTrains) {}

    /**
     * A training step: the weights, gradients and AdamW moments held all the time, then the rollout's or the update's
     * working memory, whichever is larger.
     *
     * @param c the model's shape
     * @param t the step's shapes and settings
     * @return the plan
     */
    public static MemoryPlan training(ModelConfig c, Training t) {
        Map<String, Long> always = new LinkedHashMap<>();
        always.put("weights", mul(t.parameterCount(), FLOAT));
        // the accumulated gradient, one micro-batch's gradient before it is added, and AdamW's two moments
        always.put("gradients and AdamW moments", mul(4, t.trainableCount(), FLOAT));
        if (t.referenceCopy() > 0) always.put("reference model", mul(t.referenceCopy(), FLOAT));
        always.put("JVM and native libraries", RUNTIME_BYTES);
        Map<String, Long> update = new LinkedHashMap<>();
        long chunk = Math.min(t.chunkLength(), t.width());
        long n = mul(t.microBatchRows(), chunk);                       // positions of one pass
        long layers = c.numHiddenLayers();
        update.put("activations of a micro-batch", (long) Math.min(Long.MAX_VALUE,
                (double) layers * n * (HIDDEN_PER_TOKEN * c.hiddenSize() + MLP_PER_TOKEN * c.intermediateSize()) * FLOAT
                        + (double) layers * t.microBatchRows() * c.numAttentionHeads() * chunk * t.width() * ATTENTION_PER_PAIR * FLOAT
                        + (double) n * OUTSIDE_LAYERS_PER_TOKEN * c.hiddenSize() * FLOAT));
        update.put("vocabulary arrays of a micro-batch", (long) Math.min(Long.MAX_VALUE,
                (t.headTrains() ? VOCABULARY_PER_TOKEN_TRAINED_HEAD : VOCABULARY_PER_TOKEN) * n * c.vocabSize() * FLOAT));
        if (chunk < t.width()) {
            // chunks: the whole rows' cache, the gradient it receives, and the prefix copies fed to a pass
            update.put("KV cache of a micro-batch and its gradient", mul(3 * 2L * layers, t.microBatchRows(),
                    c.numKeyValueHeads(), t.width(), c.headDim(), FLOAT));
        }
        if (t.trainableCount() < t.parameterCount()) {
            // M2.1's matmul backward also computes the unused gradient of each frozen weight; one per shape is live
            update.put("frozen weights' unused gradients", mul(layerMatrices(c), FLOAT));
        }
        return new MemoryPlan(String.format(Locale.ROOT, "a training step (rollout of %d rows × %d positions, update in "
                        + "micro-batches of %d rows × %d positions%s)", t.rolloutRows(), t.promptWidth() + t.newTokens(),
                t.microBatchRows(), t.width(), chunk < t.width() ? ", " + chunk + " at a time" : ""), always, rolloutParts(c, t.rolloutRows(), t.promptWidth(), t.newTokens()),
                update, "per_device_train_batch_size / chunk_length / rollout_batch_size");
    }

    private static Map<String, Long> rolloutParts(ModelConfig c, long rows, long promptWidth, long newTokens) {
        long length = promptWidth + newTokens;
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("KV cache", mul(2L * c.numHiddenLayers(), rows, c.numKeyValueHeads(), length, c.headDim(), FLOAT));
        parts.put("prefill logits", mul(rows, promptWidth, c.vocabSize(), FLOAT));
        parts.put("prefill working memory", (long) Math.min(Long.MAX_VALUE,
                (double) rows * promptWidth * (4.0 * c.hiddenSize() + 3.0 * c.intermediateSize()) * FLOAT
                        + (double) rows * c.numAttentionHeads() * promptWidth * length * FLOAT));
        return parts;
    }

    /** The values of one decoder layer's projection matrices. */
    private static long layerMatrices(ModelConfig c) {
        long d = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        return d * q * 2 + 2 * d * kv + 3L * d * c.intermediateSize();
    }

    /**
     * The planned peak: what is always held, plus the larger of the rollout's and the update's working memory.
     *
     * @return bytes
     */
    public long totalBytes() {
        return saturatingAdd(sum(always), Math.max(sum(rollout), sum(update)));
    }

    /**
     * Every part, by name, in printing order.
     *
     * @return bytes by part, the rollout's and update's prefixed
     */
    public Map<String, Long> parts() {
        Map<String, Long> all = new LinkedHashMap<>(always);
        rollout.forEach((k, v) -> all.put("rollout: " + k, v));
        update.forEach((k, v) -> all.put("update: " + k, v));
        return all;
    }

    /**
     * A table of the plan, one part a line, for a run's log, against the process's limit.
     *
     * @return the table
     */
    public String table() {
        return table(limitBytes());
    }

    /**
     * A table of the plan against {@code limit} bytes.
     *
     * @param limit bytes allowed, 0 for none
     * @return the table
     */
    public String table(long limit) {
        StringBuilder b = new StringBuilder("memory plan for ").append(what).append(":\n");
        always.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-44s %9s%n", k, gib(v))));
        if (!rollout.isEmpty()) b.append(String.format(Locale.ROOT, "  rollout, at most (%s):%n", gib(sum(rollout))));
        rollout.forEach((k, v) -> b.append(String.format(Locale.ROOT, "    %-42s %9s%n", k, gib(v))));
        if (!update.isEmpty()) b.append(String.format(Locale.ROOT, "  update, at most (%s):%n", gib(sum(update))));
        update.forEach((k, v) -> b.append(String.format(Locale.ROOT, "    %-42s %9s%n", k, gib(v))));
        b.append(String.format(Locale.ROOT, "  %-44s %9s", "planned peak", gib(totalBytes())));
        if (limit > 0) b.append(String.format(Locale.ROOT, " of %s allowed", gib(limit)));
        return b.toString();
    }

    /**
     * The most resident memory the process may use: JavaCPP's {@code org.bytedeco.javacpp.maxphysicalbytes} (resident
     * memory, what the plan counts), or its {@code maxbytes} when only that is set; 0 when neither is.
     *
     * @return bytes
     */
    public static long limitBytes() {
        long physical = Pointer.maxPhysicalBytes(), max = Pointer.maxBytes();
        if (physical > 0) return physical;
        return Math.max(max, 0);
    }

    /**
     * {@link #requireWithin(long)} the process's limit; does nothing when there is none.
     *
     * @return this plan
     */
    public MemoryPlan requireWithinLimit() {
        long limit = limitBytes();
        return limit > 0 ? requireWithin(limit) : this;
    }

    /**
     * Whether the plan fits {@code limitBytes} (always, when there is no limit).
     *
     * @param limitBytes bytes allowed, 0 or less for none
     * @return whether it fits
     */
    public boolean fits(long limitBytes) {
        return limitBytes <= 0 || totalBytes() <= limitBytes;
    }

    /**
     * This plan, or a {@link MemoryLimitExceededException} giving the plan, its parts, the limit and the key.
     *
     * @param limitBytes bytes allowed
     * @return this plan, when it fits
     */
    public MemoryPlan requireWithin(long limitBytes) {
        if (totalBytes() <= limitBytes) return this;
        StringBuilder m = new StringBuilder(what).append(" needs about ").append(gib(totalBytes())).append(" (");
        String sep = "";
        for (var e : parts().entrySet()) {
            m.append(sep).append(e.getKey()).append(' ').append(gib(e.getValue()));
            sep = ", ";
        }
        m.append(") but the process may hold at most ").append(gib(limitBytes))
                .append(" (-Dorg.bytedeco.javacpp.maxphysicalbytes); lower ").append(key);
        throw new MemoryLimitExceededException(m.toString(), totalBytes(), limitBytes);
    }

    /**
     * Bytes in GiB, as the plan prints them.
     *
     * @param bytes a size
     * @return e.g. "4.36 GiB"
     */
    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }

    /**
     * The total of some parts (saturating at {@link Long#MAX_VALUE}).
     *
     * @param parts bytes by part
     * @return their sum
     */
    public static long sum(Map<String, Long> parts) {
        long total = 0;
        for (long b : parts.values()) total = saturatingAdd(total, b);
        return total;
    }

    private static long mul(long... factors) {
        long p = 1;
        for (long f : factors) {
            if (f != 0 && Math.abs(p) > Long.MAX_VALUE / Math.abs(f)) return Long.MAX_VALUE; // beyond any limit anyway
            p *= f;
        }
        return p;
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }
}

package org.tarpo4j.models.memory;

import org.bytedeco.javacpp.Pointer;
import org.tarpo4j.models.config.ModelConfig;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The off-heap memory a batch needs at its peak, estimated from the shapes alone so that an impossible request can be
 * refused before anything is allocated. Each part counts only float32 arrays that must exist at the same moment, so
 * the total is a lower bound: a request refused here could not have run; one accepted may still need more.
 *
 * @param what  the request, for messages (e.g. "rollout of 64 rows × 1224 positions")
 * @param parts bytes per part, in message order
 */
public record MemoryEstimate(String what, Map<String, Long> parts) {
    private static final long FLOAT = Float.BYTES;

    public MemoryEstimate {
        parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    /**
     * Sampling {@code newTokens} tokens for {@code rows} prompts left-padded to {@code promptWidth}: the KV cache at
     * its full length, the prefill's logits at every prompt position and one layer's prefill attention scores, beside
     * the model's {@code parameterCount} weights.
     */
    public static MemoryEstimate generation(ModelConfig c, long rows, long promptWidth, long newTokens, long parameterCount) {
        long length = promptWidth + newTokens;
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("weights", parameterCount * FLOAT);
        parts.put("KV cache", mul(2L * c.numHiddenLayers(), rows, c.numKeyValueHeads(), length, c.headDim(), FLOAT));
        parts.put("prefill logits", mul(rows, promptWidth, c.vocabSize(), FLOAT));
        parts.put("prefill attention", mul(rows, c.numAttentionHeads(), promptWidth, promptWidth, FLOAT));
        return new MemoryEstimate(String.format(Locale.ROOT, "sampling %d rows × (%d prompt + %d new) positions", rows,
                promptWidth, newTokens), parts);
    }

    /**
     * One teacher-forced forward and backward pass over {@code rows} sequences of {@code width} positions: the logits
     * and their gradient, every layer's attention probabilities and activations kept for the backward pass, and the
     * weights with, for each of {@code trainableCount} trainable parameters, a gradient and two AdamW moments.
     *
     * @param frozenCopyCount parameters held a second time (a full fine-tuning run's frozen reference model), or 0
     */
    public static MemoryEstimate trainingStep(ModelConfig c, long rows, long width, long parameterCount, long trainableCount,
                                              long frozenCopyCount) {
        long layers = c.numHiddenLayers();
        Map<String, Long> parts = new LinkedHashMap<>();
        parts.put("weights", (parameterCount + frozenCopyCount) * FLOAT);
        parts.put("gradients and optimizer moments", mul(3, trainableCount, FLOAT));
        parts.put("logits and their gradient", mul(2, rows, width, c.vocabSize(), FLOAT));
        parts.put("attention probabilities", mul(layers, rows, c.numAttentionHeads(), width, width, FLOAT));
        parts.put("activations", mul(layers, rows, width, (long) c.hiddenSize() + c.intermediateSize(), FLOAT));
        return new MemoryEstimate(String.format(Locale.ROOT, "a training step on %d rows × %d positions", rows, width), parts);
    }

    /** The sum of the parts (saturating at {@link Long#MAX_VALUE}). */
    public long totalBytes() {
        long total = 0;
        for (long b : parts.values()) total = saturatingAdd(total, b);
        return total;
    }

    /**
     * The most off-heap memory ND4J may allocate: JavaCPP's {@code org.bytedeco.javacpp.maxbytes}
     * ({@link Pointer#maxBytes()}), or its {@code maxphysicalbytes} when that is smaller; 0 when neither is set.
     */
    public static long nd4jLimitBytes() {
        long max = Pointer.maxBytes(), physical = Pointer.maxPhysicalBytes();
        if (max <= 0) return Math.max(physical, 0);
        return physical > 0 ? Math.min(max, physical) : max;
    }

    /** {@link #requireWithin(long)} ND4J's limit; does nothing when there is none. */
    public MemoryEstimate requireWithinNd4jLimit() {
        long limit = nd4jLimitBytes();
        return limit > 0 ? requireWithin(limit) : this;
    }

    /** This estimate, or a {@link MemoryLimitExceededException} giving the estimate, its parts and the limit. */
    public MemoryEstimate requireWithin(long limitBytes) {
        if (totalBytes() <= limitBytes) return this;
        StringBuilder m = new StringBuilder(what).append(" needs at least ").append(gib(totalBytes())).append(" (");
        String sep = "";
        for (var e : parts.entrySet()) {
            m.append(sep).append(e.getKey()).append(' ').append(gib(e.getValue()));
            sep = ", ";
        }
        m.append(") but ND4J may allocate at most ").append(gib(limitBytes))
                .append(" (-Dorg.bytedeco.javacpp.maxbytes / maxphysicalbytes); use fewer or shorter rows");
        throw new MemoryLimitExceededException(m.toString(), totalBytes(), limitBytes);
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
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

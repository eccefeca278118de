package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The additive attention bias for causal attention with padding and a KV cache, built in the graph from
 * Hugging Face style inputs.
 *
 * <p>Query i of row b may see key j iff key j is valid ({@code attention_mask[b, j] = 1}) and its position is not
 * after the query's. Key positions are {@code cumsum(attention_mask) - 1}, which is how position ids are assigned
 * with left padding, so the rule holds for prefill, for cached decoding, and for any mix of padding. A padded query
 * still sees its row's first token, so no softmax row is ever empty (empty rows give NaN that leaks into valid
 * positions in the next layer). Masked entries get {@code -1e9}, not {@code -inf}, for the same reason.
 */
public final class AttentionMask {
    /** The bias of a masked entry: large and finite, so that no softmax row is all {@code -inf}. */
    public static final double MASKED = -1e9;

    private AttentionMask() {}

    /**
     * The bias of causal attention over valid keys.
     *
     * @param sd            the graph
     * @param attentionMask {@code [B, S]} 1 = valid key, 0 = padding; S = cached + new positions
     * @param positionIds   {@code [B, T]} positions of the new (query) tokens
     * @param dtype         the bias's floating-point type
     * @return {@code [B, 1, T, S]} additive bias (0 or {@link #MASKED})
     */
    public static SDVariable causalBias(SameDiff sd, SDVariable attentionMask, SDVariable positionIds, DataType dtype) {
        SDVariable valid = attentionMask.castTo(dtype);                                         // [B, S]
        SDVariable keyPos = sd.cumsum(valid, false, false, 1).sub(1.0);                        // [B, S]
        SDVariable keys = sd.expandDims(sd.expandDims(keyPos, 1), 1);                           // [B, 1, 1, S]
        SDVariable queries = sd.expandDims(sd.expandDims(positionIds.castTo(dtype), 1), 3);    // [B, 1, T, 1]
        SDVariable allowed = sd.lte(keys, queries).castTo(dtype)
                .mul(sd.expandDims(sd.expandDims(valid, 1), 1));                                // [B, 1, T, S]
        return allowed.sub(1.0).mul(-MASKED);
    }
}

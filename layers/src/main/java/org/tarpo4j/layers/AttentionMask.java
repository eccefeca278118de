package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

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
        SDVariable keyPos = valid.mmul(upTo(sd, valid, dtype)).sub(1.0);                       // [B, S]
        SDVariable keys = sd.expandDims(sd.expandDims(keyPos, 1), 1);                           // [B, 1, 1, S]
        SDVariable queries = sd.expandDims(sd.expandDims(positionIds.castTo(dtype), 1), 3);    // [B, 1, T, 1]
        SDVariable allowed = sd.lte(keys, queries).castTo(dtype)
                .mul(sd.expandDims(sd.expandDims(valid, 1), 1));                                // [B, 1, T, S]
        return allowed.sub(1.0).mul(-MASKED);
    }

    /**
     * {@code [S, S]}: 1 where {@code i <= j}, so that {@code valid · upTo} is the running count of valid keys, the
     * cumulative sum along S. Not M2.1's {@code cumsum} op: along an axis it leaks a native NDArray per row every call
     * (its {@code helpers::prefix} never frees the tensors of {@code allTensorsAlongDimension}; measured with jemalloc's
     * heap profile, 5.8 MB over 300 embedded steps, never returned).
     */
    private static SDVariable upTo(SameDiff sd, SDVariable valid, DataType dtype) {
        SDVariable zero = sd.constant(Nd4j.scalar(0L)), one = sd.constant(Nd4j.scalar(1L)); // sizeAt is INT64
        SDVariable index = sd.range(zero, sd.sizeAt(valid, 1), one, dtype);                    // [S]
        return sd.lte(index.reshape(-1, 1), index.reshape(1, -1)).castTo(dtype);               // [S, S]
    }
}

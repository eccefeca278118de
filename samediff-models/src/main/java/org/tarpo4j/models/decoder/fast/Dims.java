package org.tarpo4j.models.decoder.fast;

import org.tarpo4j.models.config.ModelConfig;

/**
 * The sizes a {@link FastDecoder} works with, from the model's config and its row count.
 *
 * @param rep       query heads per key/value head
 * @param qkvWidth  columns of the fused q/k/v output, {@code (H + 2·Hkv)·D}
 * @param ropeWidth the rotated (q and k) columns, {@code (H + Hkv)·D}
 */
record Dims(int batch, int d, int heads, int kvHeads, int headDim, int rep, int ff, int qkvWidth, int ropeWidth,
            int vocab, int layers) {
    static Dims of(ModelConfig c, int batch) {
        int heads = c.numAttentionHeads(), kvHeads = c.numKeyValueHeads(), headDim = c.headDim();
        return new Dims(batch, c.hiddenSize(), heads, kvHeads, headDim, heads / kvHeads, c.intermediateSize(),
                (heads + 2 * kvHeads) * headDim, (heads + kvHeads) * headDim, c.vocabSize(), c.numHiddenLayers());
    }

    /** Columns of the query block, {@code H·D}. */
    int queryWidth() { return heads * headDim; }
}

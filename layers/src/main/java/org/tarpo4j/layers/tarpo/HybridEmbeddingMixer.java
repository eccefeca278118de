package org.tarpo4j.layers.tarpo;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Graph;

/**
 * TARPO's input mixer: a position's input is the sampled token's embedding {@code E[v]} on a hard route, or the soft
 * embedding {@code s = Σ_{i∈top-k} w_i E[i]} on a soft route.
 *
 * <p>One function for rollout and training: the decode step feeds the previous step's top-k ids and weights, the
 * training forward feeds the stored ones, both through these placeholders, so the two cannot drift apart. The
 * weights are data (no gradient flows into them); the gradient into the embedding table flows through both terms.
 * Both terms are one lookup of {@code k + 1} rows per position ({@code [v, ids...]} weighted
 * {@code [1 - r, r·w...]}), since the route r is 0 or 1.
 */
public final class HybridEmbeddingMixer {
    /** INT32 {@code [B, T, k]}: the soft input's token ids (any ids where the route is hard). */
    public static final String SOFT_IDS = "soft_ids";
    /** FLOAT {@code [B, T, k]}: their weights. */
    public static final String SOFT_WEIGHTS = "soft_weights";
    /** FLOAT {@code [B, T]}: 1 where the input is soft, 0 where it is hard. */
    public static final String ROUTES = "routes";

    private final Graph graph;
    private final TokenEmbedding embedding;
    private final int topK;

    /**
     * A mixer reading rows of {@code embedding}.
     *
     * @param graph     the graph to add to
     * @param embedding the token embedding (your own table, or a model's)
     * @param topK      k, the number of ids and weights per position ({@link SoftInputConfig#topK()})
     */
    public HybridEmbeddingMixer(Graph graph, TokenEmbedding embedding, int topK) {
        this.graph = graph;
        this.embedding = embedding;
        this.topK = topK;
    }

    /**
     * @param tokenIds    {@code [B, T]} sampled tokens
     * @param softIds     {@code [B, T, k]}
     * @param softWeights {@code [B, T, k]}
     * @param routes      {@code [B, T]}, 1 = soft
     * @return {@code [B·T, d]}
     */
    public SDVariable mix(SDVariable tokenIds, SDVariable softIds, SDVariable softWeights, SDVariable routes) {
        SameDiff sd = graph.sd();
        // flattened to [N, ·] rows: expand_dims of a [1, 1] input returns [1, 1] in M2.1, so no expandDims here
        SDVariable r = graph.stopGradient(routes).reshape(-1, 1);                                  // [N, 1]
        SDVariable ids = sd.concat(1, tokenIds.reshape(-1, 1), softIds.reshape(-1, topK));         // [N, k+1]
        SDVariable weights = sd.concat(1, r.rsub(1.0), r.mul(softWeights.reshape(-1, topK)));     // [N, k+1]
        return embedding.weightedSum(ids, weights);                                                // [N, d]
    }

    /**
     * Declares the three placeholders ({@value #SOFT_IDS}, {@value #SOFT_WEIGHTS}, {@value #ROUTES}; the floats in the
     * graph's type) and mixes.
     *
     * @param tokenIds {@code [B, T]} sampled tokens
     * @return {@code [B·T, d]}
     */
    public SDVariable mixFromPlaceholders(SDVariable tokenIds) {
        SameDiff sd = graph.sd();
        return mix(tokenIds, sd.placeHolder(SOFT_IDS, DataType.INT32, -1, -1, -1),
                sd.placeHolder(SOFT_WEIGHTS, graph.dtype(), -1, -1, -1),
                sd.placeHolder(ROUTES, graph.dtype(), -1, -1));
    }
}

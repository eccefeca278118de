package org.tarpo4j.layers.tarpo;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Graph;

/**
 * COCONUT's continuous thought as an input: where the route is 1 the input is a given vector, the previous position's
 * last (normed) hidden state, instead of the sampled token's embedding: {@code input = (1 - r)·E[v] + r·latent}.
 *
 * <p>Two uses: COCONUT proper, where the latent vector is computed in the same graph by the previous pass and the
 * gradient flows through it; and TARPO with hidden-state soft inputs, where the stored vectors are placeholders
 * (data, like the top-k weights).
 */
public final class LatentInputMixer {
    /** FLOAT {@code [B, T, d]}: the latent vectors (anything where the route is 0). */
    public static final String LATENT_INPUTS = "latent_inputs";

    private final Graph graph;
    private final TokenEmbedding embedding;
    private final long dim;

    /**
     * A mixer of token embeddings and latent vectors.
     *
     * @param graph     the graph to add to
     * @param embedding the token embedding
     * @param dim       d, the width of both
     */
    public LatentInputMixer(Graph graph, TokenEmbedding embedding, long dim) {
        this.graph = graph;
        this.embedding = embedding;
        this.dim = dim;
    }

    /**
     * @param tokenIds {@code [B, T]}
     * @param latent   {@code [B·T, d]} or {@code [B, T, d]}
     * @param routes   {@code [B, T]}, 1 = latent
     * @return {@code [B·T, d]}
     */
    public SDVariable mix(SDVariable tokenIds, SDVariable latent, SDVariable routes) {
        SDVariable r = graph.stopGradient(routes).reshape(-1, 1);                              // [N, 1]
        SDVariable token = embedding.lookup(tokenIds);                                       // [N, d]
        return r.rsub(1.0).mul(token).add(r.mul(latent.reshape(-1, dim)));
    }

    /**
     * Mixes with {@value #LATENT_INPUTS} and {@link HybridEmbeddingMixer#ROUTES} declared as placeholders (data).
     *
     * @param tokenIds {@code [B, T]}
     * @return {@code [B·T, d]}
     */
    public SDVariable mixFromPlaceholders(SDVariable tokenIds) {
        SameDiff sd = graph.sd();
        SDVariable latent = sd.placeHolder(LATENT_INPUTS, graph.dtype(), -1, -1, dim);
        SDVariable routes = sd.placeHolder(HybridEmbeddingMixer.ROUTES, graph.dtype(), -1, -1);
        return mix(tokenIds, graph.stopGradient(latent), routes);
    }
}

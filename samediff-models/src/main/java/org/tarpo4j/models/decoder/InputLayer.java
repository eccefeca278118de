package org.tarpo4j.models.decoder;

import org.nd4j.autodiff.samediff.SDVariable;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Graph;

/**
 * How a decoder turns its inputs into the first layer's embeddings: plain token lookup, or a mixture of token
 * embeddings (TARPO's soft inputs, HRPO's gate). An implementation declares the placeholders it needs.
 */
@FunctionalInterface
public interface InputLayer {
    /**
     * @param inputIds {@code [B, T]} the sampled (hard) tokens
     * @return {@code [B·T, hidden]}
     */
    SDVariable embed(Graph graph, TokenEmbedding embedding, SDVariable inputIds);

    /** Each position's own token embedding. */
    InputLayer TOKENS = (graph, embedding, inputIds) -> embedding.lookup(inputIds);
}

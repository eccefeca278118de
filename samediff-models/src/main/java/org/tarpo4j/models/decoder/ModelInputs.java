package org.tarpo4j.models.decoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.tarpo.HrpoGateMixer;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.layers.tarpo.LatentInputMixer;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.latent.LatentMode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model takes at each position besides its token: the input contract of a latent mode, derived once from the
 * mode and the soft-input settings ({@link #of}). The graph builder takes its {@link #layer}, the decoders and the
 * rollout its {@link #placeholders} (built by {@link #hard} and {@link #step}), the training batch the same names;
 * the fast decoder covers every kind but {@link Kind#HIDDEN_STATE}.
 *
 * @param kind        what feeds the first layer
 * @param topK        soft ids and weights per position (TARPO's and HRPO's mixtures)
 * @param renormalise the soft weights are {@code p_i / Σ_top-k p} (else the raw probabilities)
 * @param hidden      the width of a latent vector ({@link Kind#HIDDEN_STATE})
 */
public record ModelInputs(Kind kind, int topK, boolean renormalise, int hidden) {
    /** What feeds a model's first layer. */
    public enum Kind {
        /** The token's embedding: plain GRPO. */
        TOKENS,
        /** TARPO's routed mixture of the top-k token embeddings ({@link HybridEmbeddingMixer}). */
        TOP_K_MIXTURE,
        /** HRPO's gated mixture of the token and the top-k embeddings ({@link HrpoGateMixer}). */
        HRPO_GATE,
        /** A latent vector, the previous position's hidden state (COCONUT; TARPO with hidden-state soft inputs). */
        HIDDEN_STATE
    }

    /** Plain token inputs. */
    public static final ModelInputs TOKENS = new ModelInputs(Kind.TOKENS, 0, true, 0);

    /**
     * The inputs of a latent mode.
     *
     * @param mode   the latent mode
     * @param soft   what a soft input is (its k, weights and source)
     * @param hidden the model's hidden size
     * @return the contract
     */
    public static ModelInputs of(LatentMode mode, SoftInputConfig soft, int hidden) {
        Kind kind = switch (mode) {
            case GRPO -> Kind.TOKENS;
            case TARPO -> soft.hiddenState() ? Kind.HIDDEN_STATE : Kind.TOP_K_MIXTURE;
            case HRPO -> Kind.HRPO_GATE;
            case COCONUT -> Kind.HIDDEN_STATE;
        };
        return new ModelInputs(kind, soft.topK(), soft.renormalise(), hidden);
    }

    /** Latent-vector inputs of width {@code hidden}. */
    public static ModelInputs hiddenState(int hidden) {
        return new ModelInputs(Kind.HIDDEN_STATE, 1, true, hidden);
    }

    /** @return whether a position may take something other than its token (routes are among the placeholders) */
    public boolean soft() { return kind != Kind.TOKENS; }

    /** @return whether the soft input is a latent vector rather than token ids and weights */
    public boolean latentVectors() { return kind == Kind.HIDDEN_STATE; }

    /** @return whether the eager decoder computes these inputs (it has no latent-vector input) */
    public boolean fastDecodable() { return kind != Kind.HIDDEN_STATE; }

    /** @return the placeholder names beside the token ids, positions and mask */
    public List<String> placeholders() {
        return switch (kind) {
            case TOKENS -> List.of();
            case TOP_K_MIXTURE, HRPO_GATE -> List.of(HybridEmbeddingMixer.SOFT_IDS, HybridEmbeddingMixer.SOFT_WEIGHTS,
                    HybridEmbeddingMixer.ROUTES);
            case HIDDEN_STATE -> List.of(LatentInputMixer.LATENT_INPUTS, HybridEmbeddingMixer.ROUTES);
        };
    }

    /** @return the graph's input layer, declaring {@link #placeholders} */
    public InputLayer layer() {
        return switch (kind) {
            case TOKENS -> InputLayer.TOKENS;
            case TOP_K_MIXTURE -> (graph, embedding, ids) -> new HybridEmbeddingMixer(graph, embedding, topK).mixFromPlaceholders(ids);
            case HRPO_GATE -> (graph, embedding, ids) -> {
                var sd = graph.sd();
                return new HrpoGateMixer(graph, LatentHeads.GATE, embedding, embedding.weight().getShape()[1]).mix(ids,
                        sd.placeHolder(HybridEmbeddingMixer.SOFT_IDS, DataType.INT32, -1, -1, -1),
                        sd.placeHolder(HybridEmbeddingMixer.SOFT_WEIGHTS, graph.dtype(), -1, -1, -1),
                        sd.placeHolder(HybridEmbeddingMixer.ROUTES, graph.dtype(), -1, -1), topK);
            };
            case HIDDEN_STATE -> (graph, embedding, ids) -> new LatentInputMixer(graph, embedding, hidden).mixFromPlaceholders(ids);
        };
    }

    /**
     * The placeholders of {@code rows × width} positions that all take their token (prompt positions): zero routes,
     * ids, weights and vectors. Empty for plain tokens.
     *
     * @param arrays receives the arrays, to be closed with the step
     */
    public Map<String, INDArray> hard(int rows, int width, NativeArrays arrays) {
        return step(new int[rows][width][topK], new float[rows][width][topK],
                new float[rows][width][latentVectors() ? hidden : 0], new float[rows][width], arrays);
    }

    /**
     * The placeholders of given per-position values ({@code [B][T]...}); only those of this kind are read.
     *
     * @param softIds     {@code [B][T][k]} soft ids
     * @param softWeights {@code [B][T][k]} their weights
     * @param latent      {@code [B][T][d]} latent vectors
     * @param routes      {@code [B][T]}: 1 where the input is soft
     * @param arrays      receives the arrays, to be closed with the step
     * @return by placeholder name (empty for plain tokens)
     */
    public Map<String, INDArray> step(int[][][] softIds, float[][][] softWeights, float[][][] latent, float[][] routes,
                                      NativeArrays arrays) {
        Map<String, INDArray> extra = new HashMap<>();
        if (kind == Kind.TOKENS) return extra;
        if (latentVectors()) {
            extra.put(LatentInputMixer.LATENT_INPUTS, arrays.track(Nd4j.createFromArray(latent)));
        } else {
            extra.put(HybridEmbeddingMixer.SOFT_IDS, arrays.track(Nd4j.createFromArray(softIds)));
            extra.put(HybridEmbeddingMixer.SOFT_WEIGHTS, arrays.track(Nd4j.createFromArray(softWeights)));
        }
        extra.put(HybridEmbeddingMixer.ROUTES, arrays.track(Nd4j.createFromArray(routes)));
        return extra;
    }
}

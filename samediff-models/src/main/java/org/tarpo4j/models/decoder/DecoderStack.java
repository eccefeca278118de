package org.tarpo4j.models.decoder;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.tarpo4j.layers.AttentionMask;
import org.tarpo4j.layers.GroupedQueryAttention;
import org.tarpo4j.layers.RmsNorm;
import org.tarpo4j.layers.RotaryEmbedding;
import org.tarpo4j.layers.SwiGluMlp;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.models.config.ModelConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The decoder's layers as a function that can be applied several times in one graph, on the same parameters: once for
 * an ordinary forward, or once per segment when a computation feeds a pass's hidden state into the next pass (COCONUT's
 * continuous thoughts), with the KV cache carried from pass to pass.
 */
public final class DecoderStack {
    private record Block(RmsNorm inputNorm, GroupedQueryAttention attention, RmsNorm postNorm, SwiGluMlp mlp) {}

    /** A pass's final normed hidden states {@code [B·T, d]} and every layer's extended cache. */
    public record Pass(SDVariable hidden, List<SDVariable> keys, List<SDVariable> values) {}

    private final Graph graph;
    private final ModelConfig config;
    private final TokenEmbedding embedding;
    private final RotaryEmbedding rotary;
    private final List<Block> blocks = new ArrayList<>();
    private final RmsNorm finalNorm;
    private final SDVariable lmHead;

    public DecoderStack(Graph graph, ModelConfig config, DecoderOptions options) {
        this.graph = graph;
        this.config = config;
        int d = config.hiddenSize();
        this.embedding = new TokenEmbedding(graph, "model.embed_tokens", config.vocabSize(), d);
        this.rotary = new RotaryEmbedding(graph, "model.rotary_emb", config.headDim(), config.ropeTheta(), config.ropeScaling(),
                options.maxPositions());
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            String p = "model.layers." + l;
            blocks.add(new Block(new RmsNorm(graph, p + ".input_layernorm", d, config.rmsNormEps()),
                    new GroupedQueryAttention(graph, p + ".self_attn", d, config.numAttentionHeads(), config.numKeyValueHeads(),
                            config.headDim(), config.qkvBias(), config.outputBias(), options.lora()),
                    new RmsNorm(graph, p + ".post_attention_layernorm", d, config.rmsNormEps()),
                    new SwiGluMlp(graph, p + ".mlp", d, config.intermediateSize(), config.mlpBias(), options.lora())));
        }
        this.finalNorm = new RmsNorm(graph, "model.norm", d, config.rmsNormEps());
        this.lmHead = config.tieWordEmbeddings() ? embedding.weight()
                : graph.parameter("lm_head.weight", Init.normal(0.02), config.vocabSize(), d);
    }

    public TokenEmbedding embedding() { return embedding; }

    /** The output head's weight {@code [vocab, hidden]}: logits = hidden · headᵀ. */
    public SDVariable lmHead() { return lmHead; }

    /**
     * One pass over T new positions per row.
     *
     * @param embeddings    {@code [B·T, d]} the inputs, rows in (batch, time) order
     * @param batchTime     {@code [2]} LONG: B and T
     * @param positionIds   {@code [B, T]}
     * @param attentionMask {@code [B, P + T]}, the cached positions first
     * @param pastKeys      per layer {@code [B, Hkv, P, D]}
     * @param presentNames  names for each layer's extended key and value caches ({@code 2·layers} names), or null
     */
    public Pass forward(SDVariable embeddings, SDVariable batchTime, SDVariable positionIds, SDVariable attentionMask,
                        List<SDVariable> pastKeys, List<SDVariable> pastValues, List<String> presentNames) {
        SameDiff sd = graph.sd();
        RotaryEmbedding.Tables rope = rotary.tables(positionIds);
        SDVariable maskBias = AttentionMask.causalBias(sd, attentionMask, positionIds, graph.dtype());   // [B, 1, T, S]
        SDVariable x = embeddings;
        List<SDVariable> keys = new ArrayList<>(), values = new ArrayList<>();
        for (int l = 0; l < blocks.size(); l++) {
            Block b = blocks.get(l);
            GroupedQueryAttention.Output a = b.attention().forward(b.inputNorm().forward(x), batchTime, rotary, rope, maskBias,
                    new GroupedQueryAttention.Cache(pastKeys.get(l), pastValues.get(l),
                            presentNames == null ? null : presentNames.get(2 * l), presentNames == null ? null : presentNames.get(2 * l + 1)));
            x = x.add(a.hidden());
            x = x.add(b.mlp().forward(b.postNorm().forward(x)));
            keys.add(a.presentKey());
            values.add(a.presentValue());
        }
        return new Pass(finalNorm.forward(x), keys, values);
    }

    /** {@code hidden [N, d]} -> logits {@code [N, vocab]}. */
    public SDVariable logits(String name, SDVariable hidden) {
        return graph.sd().mmul(name, hidden, lmHead, false, true, false);
    }

    public ModelConfig config() { return config; }
}

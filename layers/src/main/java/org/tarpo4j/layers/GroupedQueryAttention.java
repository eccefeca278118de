package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;

/**
 * Causal multi-head attention with grouped key/value heads (GQA), rotary positions and a KV cache, as in
 * Llama/Qwen2. Projections in HF layout ({@code q_proj, k_proj, v_proj, o_proj}); Qwen2 has biases on q/k/v only.
 *
 * <p>GQA without copying keys: the {@code rep = heads / kvHeads} query heads that share a KV head are stacked along
 * the time axis ({@code [B, Hkv, rep·T, D]}), so one rank-4 product per layer serves all of them (query head
 * {@code j·rep + r} uses KV head j, as HF's {@code repeat_kv}).
 */
public final class GroupedQueryAttention {
    private final Graph graph;
    private final int heads, kvHeads, headDim;
    private final Linear q, k, v, o;

    /**
     * The cache a layer reads ({@code [B, Hkv, P, D]}, P may be 0) and the names its extended cache gets (null: any
     * name, e.g. when the layer runs several times in one graph).
     */
    /**
     * @param pastKey          {@code [B, Hkv, P, D]}
     * @param pastValue        {@code [B, Hkv, P, D]}
     * @param presentKeyName   the name of the extended keys, or null
     * @param presentValueName the name of the extended values, or null
     */
    public record Cache(SDVariable pastKey, SDVariable pastValue, String presentKeyName, String presentValueName) {}

    /**
     * What a layer returns.
     *
     * @param hidden       {@code [B·T, hidden]}
     * @param presentKey   the keys extended by the new positions, {@code [B, Hkv, P + T, D]}
     * @param presentValue the values, likewise
     */
    public record Output(SDVariable hidden, SDVariable presentKey, SDVariable presentValue) {}

    /**
     * Adds the q/k/v/o projections.
     *
     * @param graph      the graph to add to
     * @param name       the module path, e.g. {@code model.layers.0.self_attn}
     * @param hidden     the model width
     * @param heads      query heads
     * @param kvHeads    key/value heads (a divisor of {@code heads})
     * @param headDim    the head size
     * @param qkvBias    biases on the q/k/v projections (Qwen2)
     * @param outputBias a bias on o_proj (Llama with {@code attention_bias})
     * @param lora       adapters for the projections it targets, or null
     */
    public GroupedQueryAttention(Graph graph, String name, long hidden, int heads, int kvHeads, int headDim,
                                 boolean qkvBias, boolean outputBias, LoraConfig lora) {
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("attention heads (" + heads + ") must be a multiple of key/value heads (" + kvHeads + ")");
        }
        this.graph = graph;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.q = new Linear(graph, name + ".q_proj", hidden, (long) heads * headDim, qkvBias, SwiGluMlp.loraFor(lora, "q_proj"));
        this.k = new Linear(graph, name + ".k_proj", hidden, (long) kvHeads * headDim, qkvBias, SwiGluMlp.loraFor(lora, "k_proj"));
        this.v = new Linear(graph, name + ".v_proj", hidden, (long) kvHeads * headDim, qkvBias, SwiGluMlp.loraFor(lora, "v_proj"));
        this.o = new Linear(graph, name + ".o_proj", (long) heads * headDim, hidden, outputBias, SwiGluMlp.loraFor(lora, "o_proj"));
    }

    /**
     * Causal attention over the cache and the new positions.
     *
     * @param x         {@code [B·T, hidden]}, rows in (batch, time) order
     * @param batchTime {@code [2]} LONG: B and T
     * @param rotary    the rotary embedding
     * @param rope      the rotary tables of the T new positions
     * @param maskBias  {@code [B, 1, T, S]} additive bias from {@link AttentionMask}, S = P + T
     * @param cache     the past keys and values (P may be 0)
     * @return the layer output {@code [B·T, hidden]} and the cache extended by the T new positions
     */
    public Output forward(SDVariable x, SDVariable batchTime, RotaryEmbedding rotary, RotaryEmbedding.Tables rope,
                          SDVariable maskBias, Cache cache) {
        SameDiff sd = graph.sd();
        int rep = heads / kvHeads;
        // rotary on the 2-D projections (elementwise, see RotaryEmbedding.applyToRows), the query scale folded in
        SDVariable qh = splitHeads(rotary.applyToRows(q.forward(x), rope, heads, 1.0 / Math.sqrt(headDim)), batchTime, heads);
        SDVariable kh = splitHeads(rotary.applyToRows(k.forward(x), rope, kvHeads, 1.0), batchTime, kvHeads);
        SDVariable vh = splitHeads(v.forward(x), batchTime, kvHeads);                          // [B, Hkv, T, D]
        SDVariable keys = sd.concat(cache.presentKeyName(), 2, cache.pastKey(), kh);       // [B, Hkv, S, D]
        SDVariable values = sd.concat(cache.presentValueName(), 2, cache.pastValue(), vh);  // null names: generated

        SDVariable qShape = sd.shape(qh).castTo(DataType.LONG);                             // [B, H, T, D]
        SDVariable grouped = qh.reshape(qShape.mul(longs(1, 0, rep, 1)).add(longs(0, kvHeads, 0, 0))); // [B, Hkv, rep·T, D]
        SDVariable scores = sd.mmul(grouped, keys, false, true, false);                     // [B, Hkv, rep·T, S]
        SDVariable bias = rep == 1 ? maskBias : tiledOnce(maskBias, rep);                   // [B, 1, rep·T, S]
        SDVariable attn = sd.nn.softmax(scores.add(bias), 3);
        SDVariable mixed = sd.mmul(attn, values).reshape(qShape);                          // [B, H, T, D]
        SDVariable merged = mixed.permute(0, 2, 1, 3).reshape(-1, (long) heads * headDim); // [B·T, H·D]
        return new Output(o.forward(merged), keys, values);
    }

    /** The mask tiled for the grouped layout, built once per graph and shared by every layer (tile is slow in M2.1). */
    private SDVariable tiledOnce(SDVariable maskBias, int rep) {
        SameDiff sd = graph.sd();
        String name = maskBias.name() + ".tiled_x" + rep;
        return sd.hasVariable(name) ? sd.getVariable(name) : sd.tile(maskBias, 1, 1, rep, 1).rename(name);
    }

    /** {@code [B·T, n·D] -> [B, n, T, D]}. */
    private SDVariable splitHeads(SDVariable x, SDVariable batchTime, int n) {
        SameDiff sd = graph.sd();
        SDVariable shape = sd.concat(0, batchTime, longs(n, headDim));
        return x.reshape(shape).permute(0, 2, 1, 3);
    }

    private SDVariable longs(long... values) {
        return graph.sd().constant(Nd4j.createFromArray(values));
    }

    /** @return query heads */
    public int heads() { return heads; }

    /** @return key/value heads */
    public int kvHeads() { return kvHeads; }

    /** @return the head size */
    public int headDim() { return headDim; }
}

package org.tarpo4j.models.decoder;

import org.tarpo4j.layers.Linear;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.models.config.ModelConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Hugging Face tensor names and shapes a config implies, checked against a checkpoint before any data is read.
 * (A test asserts that {@link DecoderGraph} creates exactly these parameters.)
 */
public final class WeightLayout {
    private WeightLayout() {}

    public static Map<String, long[]> expectedShapes(ModelConfig c) {
        long d = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        long ff = c.intermediateSize(), v = c.vocabSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.embed_tokens.weight", new long[]{v, d});
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "model.layers." + l;
            shapes.put(p + ".input_layernorm.weight", new long[]{d});
            linear(shapes, p + ".self_attn.q_proj", q, d, c.qkvBias());
            linear(shapes, p + ".self_attn.k_proj", kv, d, c.qkvBias());
            linear(shapes, p + ".self_attn.v_proj", kv, d, c.qkvBias());
            linear(shapes, p + ".self_attn.o_proj", d, q, c.outputBias());
            shapes.put(p + ".post_attention_layernorm.weight", new long[]{d});
            linear(shapes, p + ".mlp.gate_proj", ff, d, c.mlpBias());
            linear(shapes, p + ".mlp.up_proj", ff, d, c.mlpBias());
            linear(shapes, p + ".mlp.down_proj", d, ff, c.mlpBias());
        }
        shapes.put("model.norm.weight", new long[]{d});
        if (!c.tieWordEmbeddings()) shapes.put("lm_head.weight", new long[]{v, d});
        return shapes;
    }

    /**
     * How the decoder's layers initialise a tensor of that name when no checkpoint gives it (as {@code Linear},
     * {@code RmsNorm} and {@code TokenEmbedding} do): norms to one, biases to zero, every matrix normal(0, 0.02²).
     */
    public static Init initFor(String name) {
        if (name.endsWith("norm.weight")) return Init.ones();
        if (name.endsWith(".bias")) return Init.zeros();
        return Init.normal(Linear.INIT_STD);
    }

    private static void linear(Map<String, long[]> shapes, String name, long out, long in, boolean bias) {
        shapes.put(name + ".weight", new long[]{out, in});
        if (bias) shapes.put(name + ".bias", new long[]{out});
    }
}

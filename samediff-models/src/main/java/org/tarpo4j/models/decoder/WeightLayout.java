package org.tarpo4j.models.decoder;

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

    private static void linear(Map<String, long[]> shapes, String name, long out, long in, boolean bias) {
        shapes.put(name + ".weight", new long[]{out, in});
        if (bias) shapes.put(name + ".bias", new long[]{out});
    }
}

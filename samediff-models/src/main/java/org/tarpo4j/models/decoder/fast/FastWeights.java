package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.ModelInputs;
import org.tarpo4j.models.latent.LatentHeads;

import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a {@link DecoderGraph} as {@link FastDecoder} reads them: the model's own arrays, never a copy of a
 * matrix, so a decoder costs no weight memory and always sees the current values (an optimizer step updates the
 * arrays in place). LoRA adapters stay separate ({@code x Wᵀ + s·(x Aᵀ) Bᵀ}, two thin products beside the projection).
 * The only copies are the RMSNorm weights times {@code sqrt(d)} ({@code d} floats each): the decoder scales rows by
 * {@code rsqrt(Σx² + d·eps) = rsqrt(mean(x²) + eps) / sqrt(d)}, which saves two ops per norm, and q/k/v biases
 * concatenated into one row.
 */
public final class FastWeights {
    /** A LoRA adapter on a projection: {@code y += scale · (x Aᵀ) Bᵀ}, {@code A [r, in]}, {@code B [out, r]}. */
    public record Adapter(INDArray a, INDArray b, double scale) {}

    /**
     * One decoder layer: the projections in Hugging Face layout {@code [out, in]}, their adapters (null where none),
     * the two norm weights times {@code sqrt(d)} as {@code [1, d]} rows, biases as rows (null when the model has none).
     */
    public record Layer(INDArray inNorm, INDArray q, INDArray k, INDArray v, INDArray qkvBias, INDArray o, INDArray oBias,
                        INDArray postNorm, INDArray gate, INDArray up, INDArray gateUpBias, INDArray down, INDArray downBias,
                        Adapter qLora, Adapter kLora, Adapter vLora, Adapter oLora, Adapter gateLora, Adapter upLora,
                        Adapter downLora) {}

    /** HRPO's gate ({@code hrpo_gate.*}). */
    public record HrpoGate(INDArray rWeight, INDArray rBias, INDArray iWeight, INDArray iBias, INDArray lambda) {}

    private final ModelConfig config;
    private final DataType dtype;
    private final List<Layer> layers;
    private final INDArray embedding, finalNorm, head, routerWeight, routerBias;
    private final HrpoGate gate;
    private final ModelInputs inputs;
    private final int maxPositions;

    private FastWeights(ModelConfig config, DataType dtype, List<Layer> layers, INDArray embedding, INDArray finalNorm,
                        INDArray head, INDArray routerWeight, INDArray routerBias, HrpoGate gate, ModelInputs inputs,
                        int maxPositions) {
        this.config = config;
        this.dtype = dtype;
        this.layers = List.copyOf(layers);
        this.embedding = embedding;
        this.finalNorm = finalNorm;
        this.head = head;
        this.routerWeight = routerWeight;
        this.routerBias = routerBias;
        this.gate = gate;
        this.inputs = inputs;
        this.maxPositions = maxPositions;
    }

    /** The graph's weights (its parameter arrays, by reference). */
    public static FastWeights of(DecoderGraph model) {
        ModelInputs inputs = model.options().inputs();
        if (!inputs.fastDecodable()) {
            // the eager path has no latent-vector input: it would silently read the tokens instead
            throw new UnsupportedOperationException("the fast decoder does not take latent-vector inputs (COCONUT, "
                    + "hidden-state soft inputs); decode such graphs with GraphDecoder");
        }
        ModelConfig c = model.config();
        Parameters p = model.parameters();
        LoraConfig lora = model.options().lora();
        List<Layer> layers = new ArrayList<>();
        double rootD = Math.sqrt(c.hiddenSize());
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String a = "model.layers." + l + ".self_attn.", m = "model.layers." + l + ".mlp.";
            INDArray inNorm = row(p.get("model.layers." + l + ".input_layernorm.weight")).mul(rootD);
            INDArray postNorm = row(p.get("model.layers." + l + ".post_attention_layernorm.weight")).mul(rootD);
            INDArray qkvBias = c.qkvBias()
                    ? Nd4j.concat(0, p.get(a + "q_proj.bias"), p.get(a + "k_proj.bias"), p.get(a + "v_proj.bias")).reshape(1, -1)
                    : null;
            INDArray gateUpBias = c.mlpBias() ? Nd4j.concat(0, p.get(m + "gate_proj.bias"), p.get(m + "up_proj.bias")).reshape(1, -1) : null;
            layers.add(new Layer(inNorm, p.get(a + "q_proj.weight"), p.get(a + "k_proj.weight"), p.get(a + "v_proj.weight"),
                    qkvBias, p.get(a + "o_proj.weight"), c.outputBias() ? row(p.get(a + "o_proj.bias")) : null,
                    postNorm, p.get(m + "gate_proj.weight"), p.get(m + "up_proj.weight"), gateUpBias,
                    p.get(m + "down_proj.weight"), c.mlpBias() ? row(p.get(m + "down_proj.bias")) : null,
                    adapter(p, a + "q_proj", lora), adapter(p, a + "k_proj", lora), adapter(p, a + "v_proj", lora),
                    adapter(p, a + "o_proj", lora), adapter(p, m + "gate_proj", lora), adapter(p, m + "up_proj", lora),
                    adapter(p, m + "down_proj", lora)));
        }
        INDArray embedding = p.get("model.embed_tokens.weight");
        INDArray head = model.lmHead().getArr();
        String router = LatentHeads.ROUTER, gate = LatentHeads.GATE;
        boolean hasRouter = p.contains(router + ".weight") && model.sd().hasVariable(router + ".weight");
        boolean hrpo = inputs.kind() == ModelInputs.Kind.HRPO_GATE;
        HrpoGate g = hrpo ? new HrpoGate(p.get(gate + ".gate_r.weight"), row(p.get(gate + ".gate_r.bias")),
                p.get(gate + ".gate_i.weight"), row(p.get(gate + ".gate_i.bias")), row(p.get(gate + ".lambda"))) : null;
        return new FastWeights(c, p.dtype(), layers, embedding, p.get("model.norm.weight").mul(rootD), head,
                hasRouter ? p.get(router + ".weight") : null, hasRouter ? row(p.get(router + ".bias")) : null, g,
                inputs, model.options().maxPositions());
    }

    /** The adapter on this projection, or null. */
    private static Adapter adapter(Parameters p, String name, LoraConfig lora) {
        String proj = name.substring(name.lastIndexOf('.') + 1);
        if (lora == null || !lora.appliesTo(proj) || !p.contains(name + ".lora_A.weight")) return null;
        return new Adapter(p.get(name + ".lora_A.weight"), p.get(name + ".lora_B.weight"), lora.scale());
    }

    private static INDArray row(INDArray v) { return v.reshape(1, v.length()); }

    public ModelConfig config() { return config; }

    public DataType dtype() { return dtype; }

    public List<Layer> layers() { return layers; }

    /** {@code [V, d]}, the model's own array. */
    public INDArray embedding() { return embedding; }

    /** {@code [d]}, the final norm's weight times {@code sqrt(d)}. */
    public INDArray finalNorm() { return finalNorm; }

    /** {@code [V, d]}, the model's own array (the embedding when tied). */
    public INDArray head() { return head; }

    /** {@code [2, d]} or null without a router. */
    public INDArray routerWeight() { return routerWeight; }

    /** {@code [1, 2]} or null. */
    public INDArray routerBias() { return routerBias; }

    public boolean hasRouter() { return routerWeight != null; }

    /** HRPO's gate, or null. */
    public HrpoGate gate() { return gate; }

    /** What feeds the first layer (never latent vectors). */
    public ModelInputs inputs() { return inputs; }

    /** The positions the graph's rotary tables cover. */
    public int maxPositions() { return maxPositions; }
}

package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.latent.LatentHeads;

import java.util.ArrayList;
import java.util.List;

/**
 * The weights of a {@link DecoderGraph} laid out for {@link FastDecoder}: a snapshot taken when it is built, so it must
 * be rebuilt after the parameters change (an optimizer step). {@link FastDecoder#FastDecoder(DecoderGraph, int, int,
 * List)} builds one per decoder, i.e. per rollout, which is what keeps rollouts on the current weights.
 *
 * <p>Per layer: the q/k/v projections as one {@code [(H + 2·Hkv)·D, d]} matrix, gate and up as one {@code [2F, d]}
 * matrix (one GEMM each instead of three and two), LoRA adapters merged ({@code W + s·B·A}), and the RMSNorm weight that
 * precedes each of them folded into its columns ({@code (x̂ ⊙ w) Wᵀ = x̂ (W diag w)ᵀ}), times {@code sqrt(d)}: the
 * decoder scales rows by {@code rsqrt(Σx² + d·eps) = rsqrt(mean(x²) + eps) / sqrt(d)}, which saves two ops per norm.
 * The final norm's weight is likewise a copy times {@code sqrt(d)}.
 * Output projections, the embedding and the head are the model's own arrays unless an adapter had to be merged.
 * Building costs one copy of the q/k/v and gate/up weights (measured ~1–3 ms for the d=256 bench model).
 */
public final class FastWeights {
    /** One decoder layer. Biases are null when the model has none. */
    public record Layer(INDArray qkv, INDArray qkvBias, INDArray o, INDArray oBias, INDArray postNorm,
                        INDArray gateUp, INDArray gateUpBias, INDArray down, INDArray downBias) {}

    /** HRPO's gate ({@code hrpo_gate.*}). */
    public record HrpoGate(INDArray rWeight, INDArray rBias, INDArray iWeight, INDArray iBias, INDArray lambda) {}

    /** What feeds the first layer. */
    public enum Inputs { TOKENS, HYBRID, HRPO }

    private final ModelConfig config;
    private final DataType dtype;
    private final List<Layer> layers;
    private final INDArray embedding, finalNorm, head, routerWeight, routerBias;
    private final HrpoGate gate;
    private final Inputs inputs;
    private final int maxPositions;

    private FastWeights(ModelConfig config, DataType dtype, List<Layer> layers, INDArray embedding, INDArray finalNorm,
                        INDArray head, INDArray routerWeight, INDArray routerBias, HrpoGate gate, Inputs inputs,
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

    /** A snapshot of the graph's current parameters. */
    public static FastWeights of(DecoderGraph model) {
        if (model.sd().hasVariable(org.tarpo4j.layers.tarpo.LatentInputMixer.LATENT_INPUTS)) {
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
            INDArray inNorm = p.get("model.layers." + l + ".input_layernorm.weight");
            INDArray postNorm = p.get("model.layers." + l + ".post_attention_layernorm.weight");
            INDArray qkv = Nd4j.concat(0, merged(p, a + "q_proj", lora), merged(p, a + "k_proj", lora),
                    merged(p, a + "v_proj", lora));
            qkv.muliRowVector(inNorm).muli(rootD);
            INDArray qkvBias = c.qkvBias()
                    ? Nd4j.concat(0, p.get(a + "q_proj.bias"), p.get(a + "k_proj.bias"), p.get(a + "v_proj.bias")).reshape(1, -1)
                    : null;
            INDArray gateUp = Nd4j.concat(0, merged(p, m + "gate_proj", lora), merged(p, m + "up_proj", lora));
            gateUp.muliRowVector(postNorm).muli(rootD);
            INDArray gateUpBias = c.mlpBias() ? Nd4j.concat(0, p.get(m + "gate_proj.bias"), p.get(m + "up_proj.bias")).reshape(1, -1) : null;
            layers.add(new Layer(qkv, qkvBias, merged(p, a + "o_proj", lora), c.outputBias() ? row(p.get(a + "o_proj.bias")) : null,
                    postNorm, gateUp, gateUpBias, merged(p, m + "down_proj", lora),
                    c.mlpBias() ? row(p.get(m + "down_proj.bias")) : null));
        }
        INDArray embedding = p.get("model.embed_tokens.weight");
        INDArray head = model.lmHead().getArr();
        String router = LatentHeads.ROUTER, gate = LatentHeads.GATE;
        boolean hasRouter = p.contains(router + ".weight") && model.sd().hasVariable(router + ".weight");
        boolean soft = model.sd().hasVariable(HybridEmbeddingMixer.SOFT_IDS);
        boolean hrpo = soft && model.sd().hasVariable(gate + ".lambda");
        HrpoGate g = hrpo ? new HrpoGate(p.get(gate + ".gate_r.weight"), row(p.get(gate + ".gate_r.bias")),
                p.get(gate + ".gate_i.weight"), row(p.get(gate + ".gate_i.bias")), row(p.get(gate + ".lambda"))) : null;
        return new FastWeights(c, p.dtype(), layers, embedding, p.get("model.norm.weight").mul(rootD), head,
                hasRouter ? p.get(router + ".weight") : null, hasRouter ? row(p.get(router + ".bias")) : null, g,
                hrpo ? Inputs.HRPO : soft ? Inputs.HYBRID : Inputs.TOKENS, model.options().maxPositions());
    }

    /** {@code W + s·B·A} when an adapter sits on this projection, else the model's own array. */
    private static INDArray merged(Parameters p, String name, LoraConfig lora) {
        INDArray w = p.get(name + ".weight");
        String proj = name.substring(name.lastIndexOf('.') + 1);
        if (lora == null || !lora.appliesTo(proj) || !p.contains(name + ".lora_A.weight")) return w;
        INDArray a = p.get(name + ".lora_A.weight"), b = p.get(name + ".lora_B.weight");
        INDArray out = w.dup();
        Nd4j.gemm(b, a, out, false, false, lora.scale(), 1.0);
        return out;
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

    public Inputs inputs() { return inputs; }

    /** The positions the graph's rotary tables cover. */
    public int maxPositions() { return maxPositions; }
}

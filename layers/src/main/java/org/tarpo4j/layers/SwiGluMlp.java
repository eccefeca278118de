package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.tarpo4j.layers.core.Graph;

/** The gated MLP of Llama/Qwen2: {@code down(silu(gate(x)) · up(x))}; biases only with Llama's {@code mlp_bias}. */
public final class SwiGluMlp {
    private final Graph graph;
    private final Linear gate, up, down;

    /**
     * Adds the three projections ({@code gate_proj}, {@code up_proj}, {@code down_proj}).
     *
     * @param graph        the graph to add to
     * @param name         the module path, e.g. {@code model.layers.0.mlp}
     * @param hidden       the model width
     * @param intermediate the MLP width
     * @param bias         whether the projections have biases
     * @param lora         adapters for the projections it targets, or null
     */
    public SwiGluMlp(Graph graph, String name, long hidden, long intermediate, boolean bias, LoraConfig lora) {
        this.graph = graph;
        this.gate = new Linear(graph, name + ".gate_proj", hidden, intermediate, bias, loraFor(lora, "gate_proj"));
        this.up = new Linear(graph, name + ".up_proj", hidden, intermediate, bias, loraFor(lora, "up_proj"));
        this.down = new Linear(graph, name + ".down_proj", intermediate, hidden, bias, loraFor(lora, "down_proj"));
    }

    /**
     * The MLP.
     *
     * @param x {@code [N, hidden]}
     * @return {@code [N, hidden]}
     */
    public SDVariable forward(SDVariable x) {
        return down.forward(graph.sd().nn.swish(gate.forward(x)).mul(up.forward(x)));
    }

    static LoraConfig loraFor(LoraConfig lora, String projection) {
        return lora != null && lora.appliesTo(projection) ? lora : null;
    }
}

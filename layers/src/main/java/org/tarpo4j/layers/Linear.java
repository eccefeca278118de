package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.tarpo4j.layers.core.FrozenWeightMmul;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;

/**
 * A dense projection {@code y = x Wᵀ + b} with the weight in Hugging Face layout {@code [out, in]}, so checkpoint
 * tensors are used without transposing; optionally with a LoRA adapter ({@code name.lora_A.weight},
 * {@code name.lora_B.weight}).
 */
public final class Linear {
    /** Standard deviation of a fresh weight: Hugging Face's {@code initializer_range}. */
    public static final double INIT_STD = 0.02;

    private final Graph graph;
    private final SDVariable weight;
    private final SDVariable bias;     // null when the layer has none
    private final SDVariable loraA;    // null without LoRA
    private final SDVariable loraB;
    private final double loraScale;

    /**
     * Adds the layer's parameters ({@code name.weight [out, in]}, {@code name.bias [out]}) to the graph, or uses the
     * stored arrays of those names.
     *
     * @param graph the graph to add to
     * @param name  the module path, e.g. {@code model.layers.0.self_attn.q_proj}
     * @param in    input features
     * @param out   output features
     * @param bias  whether the layer has a bias
     * @param lora  the adapter to add, or null
     */
    public Linear(Graph graph, String name, long in, long out, boolean bias, LoraConfig lora) {
        this.graph = graph;
        this.weight = graph.parameter(name + ".weight", Init.normal(INIT_STD), out, in);
        this.bias = bias ? graph.parameter(name + ".bias", Init.zeros(), out) : null;
        if (lora != null) {
            loraA = graph.parameter(name + ".lora_A.weight", Init.uniform(1.0 / Math.sqrt(in)), lora.rank(), in);
            loraB = graph.parameter(name + ".lora_B.weight", Init.zeros(), out, lora.rank());
            loraScale = lora.scale();
        } else {
            loraA = loraB = null;
            loraScale = 0;
        }
    }

    /**
     * The projection.
     *
     * @param x {@code [N, in]}
     * @return {@code [N, out]}
     */
    public SDVariable forward(SDVariable x) {
        var sd = graph.sd();
        SDVariable y = weight.getVariableType() == VariableType.CONSTANT
                ? FrozenWeightMmul.apply(sd, x, weight)   // no gradient for a frozen weight: skip its backward GEMM
                : sd.mmul(x, weight, false, true, false);
        if (bias != null) y = y.add(bias);
        if (loraA != null) {
            // the scale on the [N, r] product rather than on the [N, out] one: one wide array fewer per adapted
            // projection, in the forward pass and in its backward
            SDVariable low = sd.mmul(x, loraA, false, true, false).mul(loraScale); // [N, r]
            y = y.add(sd.mmul(low, loraB, false, true, false));                    // [N, out]
        }
        return y;
    }

    /**
     * The weight variable.
     *
     * @return {@code name.weight}, {@code [out, in]}
     */
    public SDVariable weight() { return weight; }
}

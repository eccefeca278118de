package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;

/** Root-mean-square norm as in Llama/Qwen2: {@code x · rsqrt(mean(x²) + eps) · weight}, over the last axis. */
public final class RmsNorm {
    private final Graph graph;
    private final SDVariable weight;
    private final double eps;

    /** @param name the module path, e.g. {@code model.norm}; the weight is {@code name.weight [dim]} */
    public RmsNorm(Graph graph, String name, long dim, double eps) {
        this.graph = graph;
        this.weight = graph.parameter(name + ".weight", Init.ones(), dim);
        this.eps = eps;
    }

    /** {@code x [N, dim] -> [N, dim]}. */
    public SDVariable forward(SDVariable x) {
        var sd = graph.sd();
        SDVariable inv = sd.math.rsqrt(sd.math.square(x).mean(true, 1).add(eps)); // [N, 1]
        return x.mul(inv).mul(weight);
    }
}

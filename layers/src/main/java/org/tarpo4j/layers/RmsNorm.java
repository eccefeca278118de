package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;

/** Root-mean-square norm as in Llama/Qwen2: {@code x · rsqrt(mean(x²) + eps) · weight}, over the last axis. */
public final class RmsNorm {
    private final Graph graph;
    private final SDVariable weight;
    private final double eps;
    private final long dim;

    /**
     * Adds the norm's weight (ones when new) to the graph.
     *
     * @param graph the graph to add to
     * @param name  the module path, e.g. {@code model.norm}; the weight is {@code name.weight [dim]}
     * @param dim   the normalised axis' size
     * @param eps   added to the mean square
     */
    public RmsNorm(Graph graph, String name, long dim, double eps) {
        this.graph = graph;
        this.weight = graph.parameter(name + ".weight", Init.ones(), dim);
        this.eps = eps;
        this.dim = dim;
    }

    /**
     * {@code x [N, dim] -> [N, dim]}.
     *
     * <p>Written without broadcasting multiplies: M2.1's backward of a broadcast {@code multiply} (here
     * {@code [N, dim] · [N, 1]} and {@code · [dim]}) reduces very slowly (measured ~8 ms each for 1024×256 floats: the
     * 18 of a 4-layer d=256 model took ~150 ms of a ~1 s training step), so the per-row scale and the weight are first expanded to
     * {@code [N, dim]} by a rank-1 product {@code inv ⊗ weight} (a K = 1 matmul, whose backward is two small GEMVs),
     * and the multiply is elementwise. {@code square} is {@code x·x} for the same reason (its backward is a slow pow).
     *
     * @param x {@code [N, dim]}
     * @return {@code [N, dim]}, normalised and scaled
     */
    public SDVariable forward(SDVariable x) {
        var sd = graph.sd();
        SDVariable inv = sd.math.rsqrt(x.mul(x).mean(true, 1).add(eps));             // [N, 1]
        return x.mul(sd.mmul(inv, weight.reshape(1, dim)));                          // x · (inv ⊗ weight)
    }
}

package org.tarpo4j.layers.tarpo;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.Linear;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;

import java.util.SplittableRandom;

/**
 * The HRPO baseline's gated input (the method's §3): on every reasoning step the token embedding {@code ê} is mixed
 * with the probability-weighted embedding {@code h̃ = (p E) / ‖p‖₂} through a learned, RG-LRU-like gate:
 * {@code r = σ(W_r ê + b_r)}, {@code i = σ(W_i ê + b_i)}, {@code a = exp(-c · softplus(-Λ) ⊙ r)},
 * {@code input = a ⊙ ê + sqrt(1 - a² + 1e-8) ⊙ (i ⊙ h̃)}, c = 8, Λ initialised so that {@code a ≈ u^r},
 * {@code u ~ U[0.99, 0.999]}.
 *
 * <p>{@code p} is given by the same top-k ids and weights as TARPO's soft input (exact when k = vocabulary size;
 * the top-k truncation drops the tail's contribution). Positions whose "route" is 0 (the prompt, and everything after
 * the answer marker) take {@code ê} unchanged.
 */
public final class HrpoGateMixer {
    /** c in {@code a = exp(-c · softplus(-Λ) ⊙ r)}. */
    public static final double C = 8.0;

    private final Graph graph;
    private final TokenEmbedding embedding;
    private final Linear gateR, gateI;
    private final SDVariable lambda;

    /**
     * Adds the gate's parameters.
     *
     * @param graph     the graph to add to
     * @param name      the module path, e.g. {@code hrpo_gate}; parameters {@code name.gate_r.*}, {@code name.gate_i.*},
     *                  {@code name.lambda}
     * @param embedding the token embedding whose rows are mixed
     * @param dim       the embedding width
     */
    public HrpoGateMixer(Graph graph, String name, TokenEmbedding embedding, long dim) {
        this.graph = graph;
        this.embedding = embedding;
        this.gateR = new Linear(graph, name + ".gate_r", dim, dim, true, null);
        this.gateI = new Linear(graph, name + ".gate_i", dim, dim, true, null);
        this.lambda = graph.parameter(name + ".lambda", HrpoGateMixer::initLambda, dim);
    }

    /** Λ = -log(exp(-log(u) / c) - 1), so that exp(-c · softplus(-Λ)) = u. */
    private static org.nd4j.linalg.api.ndarray.INDArray initLambda(org.nd4j.linalg.api.buffer.DataType dt, long[] shape, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[(int) Init.numel(shape)];
        for (int i = 0; i < v.length; i++) {
            double u = 0.99 + 0.009 * rng.nextDouble();
            v[i] = -Math.log(Math.exp(-Math.log(u) / C) - 1);
        }
        return Nd4j.create(v, shape, dt);
    }

    /**
     * @param tokenIds    {@code [B, T]} sampled tokens
     * @param softIds     {@code [B, T, k]} the step distribution's top ids
     * @param softWeights {@code [B, T, k]} their probabilities (any positive scale: h̃ is normalised)
     * @param routes      {@code [B, T]} 1 where the gate mixes (reasoning steps), 0 where the token is used as is
     * @param topK        k
     * @return {@code [B·T, d]}
     */
    public SDVariable mix(SDVariable tokenIds, SDVariable softIds, SDVariable softWeights, SDVariable routes, int topK) {
        SameDiff sd = graph.sd();
        SDVariable e = embedding.lookup(tokenIds);                                               // [N, d]
        SDVariable w = graph.stopGradient(softWeights).reshape(-1, topK);                        // [N, k]
        SDVariable norm = sd.math.sqrt(w.mul(w).sum(true, 1).add(1e-12));                        // [N, 1]
        SDVariable mixture = embedding.weightedSum(softIds.reshape(-1, topK), w.div(norm));      // [N, d] = p E / ‖p‖
        SDVariable r = sd.nn.sigmoid(gateR.forward(e));
        SDVariable i = sd.nn.sigmoid(gateI.forward(e));
        SDVariable a = sd.math.exp(sd.nn.softplus(lambda.neg()).mul(r).mul(-C));
        SDVariable gated = a.mul(e).add(sd.math.sqrt(a.mul(a).rsub(1.0).add(1e-8)).mul(i.mul(mixture)));
        SDVariable m = graph.stopGradient(routes).reshape(-1, 1);                                // [N, 1]
        return m.mul(gated).add(m.rsub(1.0).mul(e));
    }
}

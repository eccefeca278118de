package org.tarpo4j.layers.tarpo;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;

/**
 * TARPO's action head: {@code ρ(d | h) = softmax((W h + b) / τ)} over {hard = 0, soft = 1}, from the final normed
 * hidden state. {@code W [2, d] ~ N(0, 0.001²)}, {@code b = [b0, 0]}. The hidden state is not detached: the router's
 * gradient flows into the backbone, as in the paper.
 *
 * <p>Graph outputs: {@value #LOGITS} {@code [N, 2]} (before the temperature), {@value #LOG_PROBS} {@code [N, 2]}
 * and {@value #ENTROPY} {@code [N]} (both at the temperature).
 */
public final class ActionHeadRouter {
    /** Output name of the route logits {@code [N, 2]}, before the temperature. */
    public static final String LOGITS = "route_logits";
    /** Output name of the route log-probabilities {@code [N, 2]}, at the temperature. */
    public static final String LOG_PROBS = "route_log_probs";
    /** Output name of the route entropy {@code [N]}. */
    public static final String ENTROPY = "route_entropy";
    /** Column of the hard route (the sampled token's embedding is the next input). */
    public static final int HARD = 0;
    /** Column of the soft route (the top-k mixture is the next input). */
    public static final int SOFT = 1;

    private final Graph graph;
    private final RouterConfig config;
    private final SDVariable weight, bias;

    /**
     * Adds the router's parameters (or uses stored ones of the same names, e.g. a trained router).
     *
     * @param graph  the graph to add to
     * @param name   the module path; parameters are {@code name.weight [2, d]} and {@code name.bias [2]}
     * @param hidden d, the hidden state's width
     * @param config the initial bias, the weight's scale and the temperature
     */
    public ActionHeadRouter(Graph graph, String name, long hidden, RouterConfig config) {
        this.graph = graph;
        this.config = config;
        this.weight = graph.parameter(name + ".weight", Init.normal(config.weightStd()), 2, hidden);
        this.bias = graph.parameter(name + ".bias", Init.values(config.actionBias(), 0.0), 2);
    }

    /**
     * The router's outputs.
     *
     * @param logits   {@code [N, 2]}, named {@value #LOGITS}
     * @param logProbs {@code [N, 2]}, named {@value #LOG_PROBS}
     * @param entropy  {@code [N]}, named {@value #ENTROPY}
     */
    public record Outputs(SDVariable logits, SDVariable logProbs, SDVariable entropy) {}

    /**
     * Routes from hidden states; call once per graph (the outputs have fixed names).
     *
     * @param hidden {@code [N, d]}
     * @return route logits, log-probs and entropy
     */
    public Outputs forward(SDVariable hidden) {
        SameDiff sd = graph.sd();
        SDVariable logits = sd.mmul(hidden, weight, false, true, false).add(LOGITS, bias);   // [N, 2]
        SDVariable scaled = logits.div(config.temperature());
        // written out: logSoftmax(x, dim) has a broken backward in M2.1, and two classes need no max-shift trick
        SDVariable logZ = sd.math.log(sd.math.exp(scaled).sum(true, 1));                   // [N, 1]
        SDVariable logProbs = sd.identity(LOG_PROBS, scaled.sub(logZ));
        SDVariable entropy = sd.sum(sd.math.exp(logProbs).mul(logProbs), 1).neg().rename(ENTROPY);
        return new Outputs(logits, logProbs, entropy);
    }

    /** @return the router's config */
    public RouterConfig config() { return config; }

    /** @return the weight parameter's name, {@code name.weight} */
    public String weightName() { return weight.name(); }

    /** @return the bias parameter's name, {@code name.bias} */
    public String biasName() { return bias.name(); }
}

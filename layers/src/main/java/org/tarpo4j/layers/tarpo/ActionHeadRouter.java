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
    public static final String LOGITS = "route_logits";
    public static final String LOG_PROBS = "route_log_probs";
    public static final String ENTROPY = "route_entropy";
    public static final int HARD = 0, SOFT = 1;

    private final Graph graph;
    private final RouterConfig config;
    private final SDVariable weight, bias;

    /** @param name the module path; parameters are {@code name.weight [2, d]} and {@code name.bias [2]} */
    public ActionHeadRouter(Graph graph, String name, long hidden, RouterConfig config) {
        this.graph = graph;
        this.config = config;
        this.weight = graph.parameter(name + ".weight", Init.normal(config.weightStd()), 2, hidden);
        this.bias = graph.parameter(name + ".bias", Init.values(config.hardBias(), 0.0), 2);
    }

    public record Outputs(SDVariable logits, SDVariable logProbs, SDVariable entropy) {}

    /** {@code hidden [N, d]} -> route logits, log-probs and entropy. */
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

    public RouterConfig config() { return config; }

    public String weightName() { return weight.name(); }

    public String biasName() { return bias.name(); }
}

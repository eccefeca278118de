package org.tarpo4j.models.training;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.models.decoder.DecoderGraph;

import java.util.Set;

/**
 * Per-token log-probabilities and entropies of a decoder's logits, in the graph (so they are differentiable), with
 * the same processing the sampler uses: logits divided by the temperature, banned ids (PAD, BOS) excluded. The
 * rollout's stored log-probs use the same formula ({@link #logProb}), which is what makes them agree.
 *
 * <p>Inputs: {@value #LABELS} INT32 {@code [B, T]}, the token whose log-prob is wanted at each position.
 * Outputs: {@value #TOKEN_LOGP} and {@value #TOKEN_ENTROPY}, both {@code [B·T]}.
 *
 * <p>{@code logp = x[label] − logZ} with {@code x = hidden · headᵀ / T} and {@code logZ = max + log Σ exp(x − max)}
 * written out (two of M2.1's built-in forms, {@code logSoftmax(x, dim)} and {@code logSumExp}, fail in backprop). How
 * the gradient is taken depends on whether the head trains:
 * <ul>
 *   <li><b>frozen head</b> (LoRA, where the head is a constant): every vocabulary-wide array is forward-only. The
 *       hidden state enters the vocabulary work through a bit-cast round trip, which cuts SameDiff's gradient path
 *       (it follows floating-point variables only), and the log-prob is rebuilt as
 *       {@code logp + Σ_d (hidden − cut(hidden)) · J} with the exact Jacobian {@code J = ∂logp/∂hidden =
 *       (head[label] − P · head) / T}: the same value, the same gradient, and no {@code [N, V]} array kept for
 *       the backward pass nor any head gradient computed. The {@code [N, V]} arrays live only while the forward
 *       pass needs them, so a micro-batch of N positions bounds them.</li>
 *   <li><b>trained head</b> (full fine-tuning): the logits are on the gradient path anyway (the head's gradient is
 *       {@code dlogitsᵀ · hidden}), so they are differentiated directly. The label's logit is still read from the
 *       head's rows ({@link TokenEmbedding#lookupRows}), not picked out of {@code [N, V]} by a one-hot product.</li>
 * </ul>
 * In both the shift of {@code exp} is the row's max truncated to an integer: the cast cuts the gradient path, where a
 * stop-gradient would still run the max's backward over {@code [N, V]}.
 */
public final class TokenLogProbs {
    public static final String LABELS = "labels";
    public static final String TOKEN_LOGP = "token_logp";
    public static final String TOKEN_ENTROPY = "token_entropy";
    /** Additive bias that removes a banned id; finite so that {@code 0 · bias} is never NaN. */
    public static final double BANNED = -1e9;

    private TokenLogProbs() {}

    public record Outputs(SDVariable logp, SDVariable entropy) {}

    public static Outputs attach(DecoderGraph model, double temperature, Set<Integer> bannedIds) {
        SameDiff sd = model.sd();
        SDVariable labels = sd.reshape(sd.placeHolder(LABELS, DataType.INT32, -1, -1), -1);      // [N]
        return compute(model.graph(), sd.getVariable(DecoderGraph.HIDDEN_STATES), model.lmHead(), labels,
                model.config().vocabSize(), temperature, bannedIds, TOKEN_LOGP, TOKEN_ENTROPY);
    }

    /**
     * The same computation on any final hidden states of a decoder (whose logits are {@code hidden · headᵀ}), e.g. a
     * later pass of a graph that runs the layers several times; outputs get the given names.
     *
     * @param hidden {@code [N, d]}, {@code labels} {@code [N]} integers, {@code lmHead} {@code [V, d]}
     */
    public static Outputs compute(Graph graph, SDVariable hidden, SDVariable lmHead, SDVariable labels,
                                  int vocab, double temperature, Set<Integer> bannedIds, String logpName, String entropyName) {
        SameDiff sd = graph.sd();
        SDVariable bias = bannedIds.isEmpty() ? null : sd.constant(bannedBias(vocab, bannedIds, graph.dtype()));
        SDVariable labelBias = bias == null ? null : sd.gather(bias.reshape(-1), labels, 0);   // forward-only gather
        if (graph.isTrainable(lmHead.name())) {
            return direct(graph, hidden, lmHead, labels, temperature, bias, labelBias, logpName, entropyName);
        }
        SDVariable head = constantView(graph, lmHead);                                          // [V, d]
        SDVariable cut = cut(sd, hidden);                                                       // [N, d], no gradient path
        SDVariable scaled = temperature == 1.0 ? cut : cut.div(temperature);
        SDVariable x = sd.mmul(scaled, head, false, true, false);                               // [N, V] forward-only
        if (bias != null) x = x.add(bias);
        Normalised n = normalise(sd, x, graph.dtype());
        SDVariable labelRows = sd.gather(head, labels, 0);                                      // [N, d] forward-only
        SDVariable labelLogit = scaled.mul(labelRows).sum(1);
        if (labelBias != null) labelLogit = labelLogit.add(labelBias);
        SDVariable value = labelLogit.sub(sd.reshape(n.logZ(), -1));                            // [N]
        SDVariable p = sd.math.exp(x.sub(n.logZ()));                                            // [N, V] softmax
        SDVariable jacobian = labelRows.sub(sd.mmul(p, head)).div(temperature);                 // [N, d]
        SDVariable logp = value.add(logpName, hidden.sub(cut).mul(jacobian).sum(1));           // value + 0, gradient J
        SDVariable entropy = sd.reshape(n.logZ(), -1).sub(entropyName, p.mul(x).sum(1));       // logZ − Σ p·x
        return new Outputs(logp, entropy);
    }

    /** Both logits and head on the gradient path (a trained head). */
    private static Outputs direct(Graph graph, SDVariable hidden, SDVariable lmHead, SDVariable labels, double temperature,
                                  SDVariable bias, SDVariable labelBias, String logpName, String entropyName) {
        SameDiff sd = graph.sd();
        SDVariable x = sd.mmul(hidden, lmHead, false, true, false);                             // [N, V]
        if (temperature != 1.0) x = x.div(temperature);
        // the label's logit from its head row, hidden · head[label]: picking it out of [N, V] takes a one-hot, a
        // product and a sum over the vocabulary and their backward
        SDVariable labelLogit = hidden.mul(TokenEmbedding.lookupRows(graph, lmHead, labels)).sum(1);
        if (temperature != 1.0) labelLogit = labelLogit.div(temperature);
        if (bias != null) {
            x = x.add(bias);
            labelLogit = labelLogit.add(labelBias);
        }
        Normalised n = normalise(sd, x, graph.dtype());
        SDVariable logp = labelLogit.sub(logpName, sd.reshape(n.logZ(), -1));                   // [N]
        // entropy: a metric, evaluated only when asked for (never on the loss's path)
        SDVariable all = x.sub(n.logZ());
        SDVariable entropy = sd.sum(sd.math.exp(all).mul(all), 1).neg().rename(entropyName);
        return new Outputs(logp, entropy);
    }

    /** {@code logZ [N, 1]} of logits {@code x [N, V]}. */
    private record Normalised(SDVariable logZ) {}

    private static Normalised normalise(SameDiff sd, SDVariable x, DataType dt) {
        // the shift only keeps exp in range; any value near the row's max gives the same logZ. Taken through an
        // integer (the max truncated), it has no gradient path at all
        SDVariable max = x.max(true, 1).castTo(DataType.LONG).castTo(dt);
        return new Normalised(sd.math.log(sd.math.exp(x.sub(max)).sum(true, 1)).add(max));
    }

    /**
     * The same values with no gradient path: a bit-cast to an integer type of the same width and back. SameDiff builds
     * the backward pass along floating-point variables only, so nothing computed from the result is differentiated
     * (M2.1's stop-gradient still differentiates what lies behind it, with zeros).
     */
    static SDVariable cut(SameDiff sd, SDVariable x) {
        DataType bits = switch (x.dataType()) {
            case FLOAT -> DataType.INT32;
            case DOUBLE -> DataType.INT64;
            case HALF, BFLOAT16 -> DataType.INT16;
            default -> throw new IllegalArgumentException("cannot cut the gradient path of " + x.dataType());
        };
        return new BitCastOp(sd, new BitCastOp(sd, x, bits).outputVariable(), x.dataType()).outputVariable();
    }

    /** The head's values as a constant (the head itself when it already is one). */
    private static SDVariable constantView(Graph graph, SDVariable head) {
        if (head.getVariableType() == VariableType.CONSTANT) return head;
        SameDiff sd = graph.sd();
        String name = head.name() + "_view";
        return sd.hasVariable(name) ? sd.getVariable(name) : sd.constant(name, head.getArr());
    }

    static org.nd4j.linalg.api.ndarray.INDArray bannedBias(int vocab, Set<Integer> banned, DataType dt) {
        double[] b = new double[vocab];
        for (int id : banned) if (id >= 0 && id < vocab) b[id] = BANNED;
        return Nd4j.create(b, new long[]{1, vocab}, dt);
    }

    /** The same log-prob computed from one row of raw logits, in double precision (for rollouts). */
    public static double logProb(float[] logits, int id, double temperature, boolean[] banned) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) if (!banned[i]) max = Math.max(max, logits[i] / temperature);
        double z = 0;
        for (int i = 0; i < logits.length; i++) if (!banned[i]) z += Math.exp(logits[i] / temperature - max);
        return banned[id] ? Double.NEGATIVE_INFINITY : logits[id] / temperature - max - Math.log(z);
    }
}

package org.tarpo4j.models.training;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
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
 * The log-prob is {@code x[label] - logZ} with {@code logZ = max + log Σ exp(x - max)} written out, because two of
 * SameDiff M2.1's built-in forms ({@code logSoftmax(x, dim)}, {@code logSumExp}) fail in backprop and the fused
 * {@code log_softmax} is slow (measured 130–165 ms forward for 1024×8192 floats, against ~30 ms written out). The
 * shift is the row's max truncated to an integer: the cast cuts the gradient path, where a stop-gradient would still
 * run the max's backward over {@code [N, V]}. The label's logit {@code x[label]} is computed as {@code hidden · head[label]} from the head's rows (differentiable
 * through {@link TokenEmbedding#lookupRows}), so no {@code [N, V]} one-hot, log-prob or product is built for it:
 * logZ is the only vocabulary-wide work on the loss's path. The entropy output materialises the log-probs, but only
 * when it is evaluated.
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
        return compute(model.graph(), sd.getVariable(DecoderGraph.LOGITS), sd.getVariable(DecoderGraph.HIDDEN_STATES),
                model.lmHead(), labels, model.config().vocabSize(), temperature, bannedIds, TOKEN_LOGP, TOKEN_ENTROPY);
    }

    /**
     * The same computation on any logits of a decoder ({@code logits = hidden · headᵀ}), e.g. a later pass of a graph
     * that runs the layers several times; outputs get the given names.
     *
     * @param logits {@code [N, V]}, {@code hidden} {@code [N, d]}, {@code labels} {@code [N]} integers
     */
    public static Outputs compute(Graph graph, SDVariable logits, SDVariable hidden, SDVariable lmHead, SDVariable labels,
                                  int vocab, double temperature, Set<Integer> bannedIds, String logpName, String entropyName) {
        SameDiff sd = graph.sd();
        SDVariable x = logits;                                                                    // [N, V]
        if (temperature != 1.0) x = x.div(temperature);
        // the label's logit from its head row, hidden · head[label] (the logits' own entries, summed in another
        // order): picking it out of [N, V] takes a one-hot, a product and a sum over the vocabulary and their backward
        SDVariable labelLogit = hidden.mul(TokenEmbedding.lookupRows(graph, lmHead, labels)).sum(1);
        if (temperature != 1.0) labelLogit = labelLogit.div(temperature);
        if (!bannedIds.isEmpty()) {
            SDVariable bias = sd.constant(bannedBias(vocab, bannedIds, graph.dtype()));
            x = x.add(bias);
            labelLogit = labelLogit.add(sd.gather(bias.reshape(-1), labels, 0));               // forward-only gather
        }
        // log Σ exp over the vocabulary, [N, 1]: the only [N, V] work of the log-prob, forward and backward
        // the shift only keeps exp in range; any value near the row's max gives the same logZ. Taken through an
        // integer (the max truncated), it has no gradient path at all: a stop-gradient still runs max's backward
        SDVariable max = x.max(true, 1).castTo(DataType.LONG).castTo(graph.dtype());
        SDVariable logZ = sd.math.log(sd.math.exp(x.sub(max)).sum(true, 1)).add(max);
        SDVariable tokenLogp = labelLogit.sub(logpName, sd.reshape(logZ, -1));                 // [N]
        // entropy: a metric, evaluated only when asked for (never on the loss's path)
        SDVariable logp = x.sub(logZ);
        SDVariable entropy = sd.sum(sd.math.exp(logp).mul(logp), 1).neg().rename(entropyName);
        return new Outputs(tokenLogp, entropy);
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

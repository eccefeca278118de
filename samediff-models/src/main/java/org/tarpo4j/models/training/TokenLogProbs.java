package org.tarpo4j.models.training;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
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
 * Log-softmax is written out ({@code x - max - log Σ exp(x - max)}) because two of SameDiff M2.1's built-in forms
 * ({@code logSoftmax(x, dim)}, {@code logSumExp}) fail in backprop.
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
        Graph graph = model.graph();
        SameDiff sd = graph.sd();
        int vocab = model.config().vocabSize();
        SDVariable labels = sd.placeHolder(LABELS, DataType.INT32, -1, -1);
        SDVariable x = sd.getVariable(DecoderGraph.LOGITS).div(temperature);                  // [N, V]
        if (!bannedIds.isEmpty()) x = x.add(sd.constant("banned_token_bias", bannedBias(vocab, bannedIds, graph.dtype())));
        SDVariable max = graph.stopGradient(x.max(true, 1));                                  // [N, 1]
        SDVariable shifted = x.sub(max);
        SDVariable logZ = sd.math.log(sd.math.exp(shifted).sum(true, 1));                     // [N, 1]
        SDVariable logp = shifted.sub(logZ);                                                  // [N, V]
        SDVariable picked = sd.oneHot(sd.reshape(labels, -1), vocab, -1, 1.0, 0.0, graph.dtype());
        SDVariable tokenLogp = sd.sum(TOKEN_LOGP, logp.mul(picked), 1);                       // [N]
        SDVariable entropy = sd.sum(sd.math.exp(logp).mul(logp), 1).neg().rename(TOKEN_ENTROPY);
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

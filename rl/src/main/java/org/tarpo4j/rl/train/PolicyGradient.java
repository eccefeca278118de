package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.rl.core.LossAggregation;
import org.tarpo4j.rl.policy.ChunkCache;
import org.tarpo4j.rl.policy.ChunkedPass;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.PolicyLoss;
import org.tarpo4j.rl.policy.TrainingBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradient of one step's policy loss, accumulated over micro-batches of at most {@code per_device_train_batch_size}
 * completions, each fed in chunks of at most {@code chunk_length} positions ({@link ChunkedPass}). Each micro-batch is
 * a {@link TrainingBatch} of its own rows (padded to its own widths); the loss weights of {@link LossAggregation} carry
 * the whole step's normalisation, so micro-batches and chunks add up to the one-pass loss and gradient whatever the
 * split. A micro-batch of several chunks takes a forward sweep (which fills the cache) and a backward sweep from the
 * last chunk to the first, each chunk's pass sending the gradient of its past cache to the chunk before. The reference
 * log-probs are computed once, chunk by chunk, when the inputs are built; every array is closed with this object.
 */
final class PolicyGradient implements StepGradient {

    /** The graph's summed outputs and the metric each becomes (the loss as it is, the others per completion token). */
    private static final Map<String, String> METRIC = Map.of(PolicyLoss.LOSS, "loss", PolicyLoss.KL_TOKEN, "kl",
            PolicyLoss.KL_ROUTE, "kl_route", PolicyLoss.CLIP_RATIO, "clip_ratio", PolicyLoss.ENTROPY, "entropy",
            PolicyLoss.ROUTE_ENTROPY, "route_entropy", PolicyLoss.CLIP_LOW, "clip_ratio_low", PolicyLoss.CLIP_HIGH,
            "clip_ratio_high");

    /** A micro-batch: its rows laid out, its loss inputs by name (whole width), its reference log-probs by chunk. */
    private record MicroBatch(ChunkedPass pass, Map<String, float[][]> lossInputs, INDArray advantages,
                              List<Map<String, INDArray>> reference) {}

    private final Policy policy;
    private final List<MicroBatch> microBatches = new ArrayList<>();
    private final NativeArrays arrays = new NativeArrays();
    private final long tokens;

    /**
     * @param microBatchRows completions per forward/backward pass
     * @param chunkLength    positions per pass of a row (longer rows go in chunks)
     * @param prompts        each completion's prompt ids (one entry per completion)
     * @param advantages     one per completion
     * @param reference      the frozen reference for the KL terms, or null when β = 0
     */
    PolicyGradient(Policy policy, ReferencePolicy reference, TarpoConfig config, int microBatchRows, int chunkLength,
                   List<int[]> prompts, List<Completion> completions, double[] advantages, int padId) {
        this(policy, reference, config, microBatchRows, chunkLength, prompts, completions, advantages,
                rowWeights(config, rowTokens(config, completions)), sum(rowTokens(config, completions)), padId);
    }

    /**
     * The gradient of some of a step's completions (a Spark executor's share), weighted as in the whole step: the
     * gradients and metrics of disjoint shares then add up to the step's.
     *
     * @param rowWeights each completion's loss weight in its step ({@link #rowWeights})
     * @param stepTokens the completion tokens of the whole step (what the token metrics are divided by)
     */
    PolicyGradient(Policy policy, ReferencePolicy reference, TarpoConfig config, int microBatchRows, int chunkLength,
                   List<int[]> prompts, List<Completion> completions, double[] advantages, double[] rowWeights,
                   long stepTokens, int padId) {
        this.policy = policy;
        int n = completions.size();
        if (rowWeights.length != n || advantages.length != n || prompts.size() != n) {
            throw new IllegalArgumentException(n + " completions but " + prompts.size() + " prompts, " + advantages.length
                    + " advantages and " + rowWeights.length + " row weights");
        }
        int[] rowTokens = rowTokens(config, completions);
        this.tokens = stepTokens;
        for (int start = 0; start < n; start += microBatchRows) {
            int end = Math.min(n, start + microBatchRows);
            TrainingBatch batch = new TrainingBatch(prompts.subList(start, end), completions.subList(start, end), padId,
                    config.softTopK, config.padToMultipleOf, config.maxCompletionLength);
            float[][] mask = batch.completionMask;
            float[][] weights = new float[batch.rows][batch.width];
            for (int r = 0; r < batch.rows; r++) {
                if (rowTokens[start + r] == 0) java.util.Arrays.fill(mask[r], 0f);
                for (int j = 0; j < batch.width; j++) weights[r][j] = (float) (mask[r][j] * rowWeights[start + r]);
            }
            Map<String, float[][]> loss = new LinkedHashMap<>();
            loss.put(PolicyLoss.COMPLETION_MASK, mask);
            loss.put(PolicyLoss.LOSS_WEIGHTS, weights);
            loss.put(PolicyLoss.OLD_TOKEN_LOGP, batch.oldTokenLogp);
            if (!config.tokenLossOnSoftSteps) {
                float[][] hard = new float[batch.rows][batch.width];
                for (int r = 0; r < batch.rows; r++) for (int j = 0; j < batch.width; j++) hard[r][j] = mask[r][j] * batch.hardStepMask[r][j];
                loss.put(PolicyLoss.TOKEN_LOSS_MASK, hard);
            }
            if (policy.mode().hasRouter()) loss.put(PolicyLoss.OLD_ROUTE_LOGP, batch.oldRouteLogp);
            INDArray adv = arrays.track(Nd4j.createFromArray(java.util.Arrays.copyOfRange(advantages, start, end))
                    .castTo(policy.graph().parameters().dtype()).reshape(end - start, 1));
            ChunkedPass pass = ChunkedPass.of(batch, chunkLength);
            microBatches.add(new MicroBatch(pass, loss, adv, reference == null ? null : reference.logProbs(pass, mask, arrays)));
        }
    }

    /** Each completion's tokens in the loss: its length, or 0 when truncated completions are masked and it is one. */
    static int[] rowTokens(TarpoConfig config, List<Completion> completions) {
        int[] t = new int[completions.size()];
        for (int i = 0; i < t.length; i++) {
            boolean masked = config.maskTruncatedCompletions && !completions.get(i).stopped();
            t[i] = masked ? 0 : completions.get(i).length();
        }
        return t;
    }

    /** The loss weight of each of a step's completions under the config's loss type ({@link LossAggregation}). */
    static double[] rowWeights(TarpoConfig config, int[] rowTokens) {
        return LossAggregation.rowWeights(config.loss().lossType(), rowTokens, config.maxCompletionLength);
    }

    static long sum(int[] x) {
        long s = 0;
        for (int v : x) s += v;
        return s;
    }

    /** The micro-batches of the step (for tests). */
    int microBatches() { return microBatches.size(); }

    /** One forward and backward pass over every micro-batch at the current weights. */
    @Override
    public Result compute(List<String> trainable) {
        List<String> sums = new ArrayList<>(List.of(PolicyLoss.LOSS, PolicyLoss.KL_TOKEN, PolicyLoss.KL_ROUTE,
                PolicyLoss.CLIP_RATIO, PolicyLoss.CLIP_LOW, PolicyLoss.CLIP_HIGH, PolicyLoss.ENTROPY));
        if (policy.mode().hasRouter()) sums.add(PolicyLoss.ROUTE_ENTROPY);
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        Map<String, Double> totals = new LinkedHashMap<>();
        for (MicroBatch mb : microBatches) backward(mb, sums, trainable, gradients, totals);
        Map<String, Double> metrics = new LinkedHashMap<>();
        double count = tokens + 1e-9;
        for (String k : sums) metrics.put(METRIC.get(k), k.equals(PolicyLoss.LOSS) ? totals.get(k) : totals.get(k) / count);
        return new Result(gradients, metrics);
    }

    @Override
    public void release(Map<String, INDArray> gradients) {
        Gradients.release(policy.graph().graph(), gradients);
    }

    /** The micro-batch's passes, last chunk first, its gradients added into {@code gradients} and its sums into {@code totals}. */
    private void backward(MicroBatch mb, List<String> sums, List<String> trainable, Map<String, INDArray> gradients,
                          Map<String, Double> totals) {
        ChunkedPass pass = mb.pass();
        DecoderGraph graph = policy.graph();
        int layers = graph.config().numHiddenLayers(), rows = pass.batch().rows;
        List<String> past = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            past.add(DecoderGraph.pastKey(l));
            past.add(DecoderGraph.pastValue(l));
        }
        try (NativeArrays scratch = new NativeArrays()) {
            // the cache of every column at the current weights, for the chunks after the first
            ChunkCache cache = pass.size() == 1 ? null
                    : pass.forward(policy, false, List.of(), null, (i, out) -> {}, scratch);
            List<INDArray> incomingKeys = null, incomingValues = null; // the gradient later chunks sent to this one's cache
            for (int i = pass.size() - 1; i >= 0; i--) {
                int[] c = pass.chunks().get(i);
                ChunkCache before = c[0] == 0 ? null : cache.prefix(c[0]);
                Map<String, INDArray> ph = pass.batch().modelInputs(policy, false, c[0], c[1],
                        before == null ? null : before.keys(), before == null ? null : before.values());
                mb.lossInputs().forEach((k, v) -> ph.put(k, Nd4j.createFromArray(TrainingBatch.columns(v, c[0], c[1]))));
                ph.put(PolicyLoss.ADVANTAGES, mb.advantages());
                if (policy.mode().hasRouter()) {
                    ph.put(PolicyLoss.ROUTE_TARGETS, Nd4j.createFromArray(TrainingBatch.columns(pass.batch().routeTargets, c[0], c[1])));
                }
                if (mb.reference() != null) {
                    Map<String, INDArray> ref = mb.reference().get(i);
                    ph.put(PolicyLoss.REF_TOKEN_LOGP, ref.get(PolicyLoss.TOKEN_LOGP));
                    if (policy.mode().hasRouter()) ph.put(PolicyLoss.REF_ROUTE_LOGP, ref.get(PolicyLoss.ROUTE_LOGP));
                }
                List<INDArray> gk = incomingKeys != null ? incomingKeys : ChunkCache.zeros(graph, rows, c[1]);
                List<INDArray> gv = incomingValues != null ? incomingValues : ChunkCache.zeros(graph, rows, c[1]);
                for (int l = 0; l < layers; l++) {
                    ph.put(PolicyLoss.cacheGradient(DecoderGraph.presentKey(l)), gk.get(l));
                    ph.put(PolicyLoss.cacheGradient(DecoderGraph.presentValue(l)), gv.get(l));
                }
                Gradients.Pass out = Gradients.accumulate(graph.graph(), PolicyLoss.TRAINING_LOSS, ph, sums, trainable, gradients, past);
                for (String k : sums) totals.merge(k, out.outputs().get(k).getDouble(0), Double::sum);
                out.outputs().values().forEach(NativeArrays::close);
                // what is not the micro-batch's own (advantages, the reference's chunks) outlives this pass
                ph.forEach((k, v) -> { if (v != mb.advantages() && !isReference(k)) NativeArrays.close(v); });
                if (before != null) before.close();
                incomingKeys = new ArrayList<>();
                incomingValues = new ArrayList<>();
                for (int l = 0; l < layers; l++) {
                    incomingKeys.add(out.inputGradients().get(DecoderGraph.pastKey(l)));
                    incomingValues.add(out.inputGradients().get(DecoderGraph.pastValue(l)));
                }
            }
            if (incomingKeys != null) {
                incomingKeys.forEach(NativeArrays::close);
                incomingValues.forEach(NativeArrays::close);
            }
            if (cache != null) cache.close();
        }
    }

    private static boolean isReference(String placeholder) {
        return placeholder.equals(PolicyLoss.REF_TOKEN_LOGP) || placeholder.equals(PolicyLoss.REF_ROUTE_LOGP);
    }

    @Override
    public void close() { arrays.close(); }
}

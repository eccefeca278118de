package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.rl.core.LossAggregation;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.PolicyLoss;
import org.tarpo4j.rl.policy.TrainingBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradient of one step's policy loss, accumulated over micro-batches of at most {@code per_device_train_batch_size}
 * completions. Each micro-batch is a {@link TrainingBatch} of its own rows (padded to its own widths); the loss weights
 * of {@link LossAggregation} carry the whole step's normalisation, so the micro-batches add up to the one-batch loss
 * and gradient whatever the split. The reference log-probs are computed once, micro-batch by micro-batch, when the
 * inputs are built; every input array is closed with this object.
 */
final class PolicyGradient implements AutoCloseable {
    /** The summed gradient of each trainable parameter, and the step's metrics (the loss, and token means). */
    record Result(Map<String, INDArray> gradients, Map<String, Double> metrics) {}

    /** The graph's summed outputs and the metric each becomes (the loss as it is, the others per completion token). */
    private static final Map<String, String> METRIC = Map.of(PolicyLoss.LOSS, "loss", PolicyLoss.KL_TOKEN, "kl",
            PolicyLoss.KL_ROUTE, "kl_route", PolicyLoss.CLIP_RATIO, "clip_ratio", PolicyLoss.ENTROPY, "entropy",
            PolicyLoss.ROUTE_ENTROPY, "route_entropy", PolicyLoss.CLIP_LOW, "clip_ratio_low", PolicyLoss.CLIP_HIGH,
            "clip_ratio_high");

    private final Policy policy;
    private final List<Map<String, INDArray>> inputs = new ArrayList<>();
    private final NativeArrays arrays = new NativeArrays();
    private final long tokens;

    /**
     * @param microBatchRows completions per forward/backward pass
     * @param prompts     each completion's prompt ids (one entry per completion)
     * @param advantages  one per completion
     * @param reference   the frozen reference for the KL terms, or null when β = 0
     */
    PolicyGradient(Policy policy, ReferencePolicy reference, TarpoConfig config, int microBatchRows, List<int[]> prompts,
                   List<Completion> completions, double[] advantages, int padId) {
        this.policy = policy;
        int n = completions.size();
        int[] rowTokens = new int[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            boolean masked = config.maskTruncatedCompletions && !completions.get(i).stopped();
            rowTokens[i] = masked ? 0 : completions.get(i).length();
            total += rowTokens[i];
        }
        this.tokens = total;
        double[] rowWeights = LossAggregation.rowWeights(config.loss().lossType(), rowTokens, config.maxCompletionLength);
        int size = microBatchRows;
        for (int start = 0; start < n; start += size) {
            int end = Math.min(n, start + size);
            TrainingBatch batch = new TrainingBatch(prompts.subList(start, end), completions.subList(start, end), padId,
                    config.softTopK);
            float[][] mask = batch.completionMask;
            float[][] weights = new float[batch.rows][batch.width];
            for (int r = 0; r < batch.rows; r++) {
                if (rowTokens[start + r] == 0) java.util.Arrays.fill(mask[r], 0f);
                for (int j = 0; j < batch.width; j++) weights[r][j] = (float) (mask[r][j] * rowWeights[start + r]);
            }
            Map<String, INDArray> ph = batch.modelInputs(policy, false);
            INDArray maskArray = Nd4j.createFromArray(mask);
            ph.put(PolicyLoss.COMPLETION_MASK, maskArray);
            ph.put(PolicyLoss.LOSS_WEIGHTS, Nd4j.createFromArray(weights));
            ph.put(PolicyLoss.ADVANTAGES, Nd4j.createFromArray(java.util.Arrays.copyOfRange(advantages, start, end))
                    .castTo(maskArray.dataType()).reshape(end - start, 1));
            ph.put(PolicyLoss.OLD_TOKEN_LOGP, Nd4j.createFromArray(batch.oldTokenLogp));
            if (!config.tokenLossOnSoftSteps) ph.put(PolicyLoss.TOKEN_LOSS_MASK, maskArray.mul(Nd4j.createFromArray(batch.hardStepMask)));
            if (policy.mode().hasRouter()) {
                ph.put(PolicyLoss.ROUTE_TARGETS, Nd4j.createFromArray(batch.routeTargets));
                ph.put(PolicyLoss.OLD_ROUTE_LOGP, Nd4j.createFromArray(batch.oldRouteLogp));
            }
            if (reference != null) {
                Map<String, INDArray> ref = reference.logProbs(batch, maskArray);
                ph.put(PolicyLoss.REF_TOKEN_LOGP, ref.get(PolicyLoss.TOKEN_LOGP));
                if (policy.mode().hasRouter()) ph.put(PolicyLoss.REF_ROUTE_LOGP, ref.get(PolicyLoss.ROUTE_LOGP));
            }
            arrays.trackAll(ph.values());
            inputs.add(ph);
        }
    }

    /** The micro-batches of the step (for tests). */
    int microBatches() { return inputs.size(); }

    /** One forward and backward pass over every micro-batch at the current weights. */
    Result compute(List<String> trainable) {
        List<String> sums = new ArrayList<>(List.of(PolicyLoss.LOSS, PolicyLoss.KL_TOKEN, PolicyLoss.KL_ROUTE,
                PolicyLoss.CLIP_RATIO, PolicyLoss.CLIP_LOW, PolicyLoss.CLIP_HIGH, PolicyLoss.ENTROPY));
        if (policy.mode().hasRouter()) sums.add(PolicyLoss.ROUTE_ENTROPY);
        Map<String, INDArray> gradients = new LinkedHashMap<>();
        Map<String, Double> totals = new LinkedHashMap<>();
        for (Map<String, INDArray> ph : inputs) {
            Map<String, INDArray> out = Gradients.accumulate(policy.graph().graph(), PolicyLoss.LOSS, ph, sums, trainable, gradients);
            for (String k : sums) {
                totals.merge(k, out.get(k).getDouble(0), Double::sum);
                NativeArrays.close(out.get(k));
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        double count = tokens + 1e-9;
        for (String k : sums) metrics.put(METRIC.get(k), k.equals(PolicyLoss.LOSS) ? totals.get(k) : totals.get(k) / count);
        return new Result(gradients, metrics);
    }

    @Override
    public void close() { arrays.close(); }
}

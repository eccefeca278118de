package org.tarpo4j.rl.coconut;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.latent.ContinuousThoughtGraph;
import org.tarpo4j.models.training.AdamW;
import org.tarpo4j.models.training.GradientClipping;
import org.tarpo4j.rl.sft.SftConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Supervised training through continuous thoughts: each batch is split by its examples' number of thoughts (one
 * unrolled graph per count, built once, all on the model's parameters), each group run in micro-batches of the
 * config's size, and their gradients are summed, each weighted by its share of the batch's loss tokens, into one AdamW
 * step (the one-pass update, whatever the split). {@link #resetOptimizer} starts a new stage.
 */
public final class CoconutTrainer {
    private final CausalLm model;
    private final SftConfig config;
    private final Map<Integer, ContinuousThoughtGraph> graphs = new HashMap<>();
    private final List<String> parameters;
    private AdamW optimizer;

    /**
     * The settings both COCONUT runs use: no warm-up, weight decay 0.01, AdamW betas (0.9, 0.98), gradient norm
     * clipped at 1.
     *
     * @param batchSize    examples per update
     * @param learningRate AdamW's learning rate
     * @param bannedIds    left out of the log-softmax (PAD, the thought markers)
     */
    public static SftConfig config(int batchSize, double learningRate, java.util.Set<Integer> bannedIds) {
        return new SftConfig(batchSize, learningRate, 0, 0.01, 0.9, 0.98, 1.0, bannedIds);
    }

    public CoconutTrainer(CausalLm model, SftConfig config) {
        this.model = model;
        this.config = config;
        this.parameters = List.copyOf(model.parameters().asMap().keySet());
        resetOptimizer();
    }

    /** Fresh moments, as COCONUT does between curriculum stages. */
    public void resetOptimizer() {
        optimizer = new AdamW(List.of(new AdamW.Group("all", model.parameters().asMap(), config.learningRate(), config.weightDecay())),
                config.beta1(), config.beta2(), 1e-8);
    }

    /** One update; returns the mean loss per language token (NaN if skipped as non-finite). */
    public double step(List<Curriculum.Staged> batch) {
        Accumulated a = accumulate(batch);
        double norm = GradientClipping.globalNorm(a.gradients());
        boolean finite = Double.isFinite(a.loss()) && Double.isFinite(norm);
        if (finite) {
            GradientClipping.clip(a.gradients(), config.maxGradNorm());
            optimizer.step(a.gradients(), 1.0);
        }
        a.gradients().values().forEach(NativeArrays::close);
        return finite ? a.loss() : Double.NaN;
    }

    /** A batch's mean loss per language token and its gradient, summed over its groups and micro-batches. */
    record Accumulated(double loss, Map<String, INDArray> gradients) {}

    Accumulated accumulate(List<Curriculum.Staged> batch) {
        Map<Integer, List<ContinuousThoughtGraph.Example>> groups = new LinkedHashMap<>();
        for (Curriculum.Staged s : batch) groups.computeIfAbsent(s.thoughts(), k -> new ArrayList<>()).add(s.example());
        long total = 0;
        for (var g : groups.values()) total += lossTokens(g);
        Map<String, INDArray> sum = new HashMap<>();
        double loss = 0;
        int pad = model.config().fillTokenId();
        for (var e : groups.entrySet()) {
            ContinuousThoughtGraph graph = graphs.computeIfAbsent(e.getKey(), n ->
                    ContinuousThoughtGraph.build(model.config(), model.parameters(), DecoderOptions.plain(model.maxContext()), n,
                            config.bannedTokenIds()));
            for (List<ContinuousThoughtGraph.Example> micro : config.microBatches(e.getValue())) {
                double share = (double) lossTokens(micro) / total;
                Map<String, INDArray> ph = graph.inputs(micro, pad);
                Gradients.Result r = Gradients.compute(graph.graph(), ContinuousThoughtGraph.LOSS, ph,
                        List.of(ContinuousThoughtGraph.LOSS), parameters);
                loss += share * r.outputs().get(ContinuousThoughtGraph.LOSS).getDouble(0);
                Gradients.addScaled(sum, r.gradients(), share);
                ph.values().forEach(NativeArrays::close);
            }
        }
        return new Accumulated(loss, sum);
    }

    private static long lossTokens(List<ContinuousThoughtGraph.Example> examples) {
        long n = 0;
        for (var e : examples) n += e.suffix().length - 1;
        return n;
    }
}

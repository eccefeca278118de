package org.tarpo4j.rl.sft;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.core.RecyclingMemory;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.generation.ContextWindow;
import org.tarpo4j.models.training.AdamW;
import org.tarpo4j.models.training.GradientClipping;
import org.tarpo4j.models.training.LanguageModelLoss;
import org.tarpo4j.models.training.LearningRateSchedule;
import org.tarpo4j.models.training.TokenLogProbs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning of every weight on (prompt, completion) pairs: next-token cross-entropy on the completion
 * tokens, sequences right-padded in a batch. Used for the embedded task's warm start before RL. Close it when done: its
 * graph's working memory is then freed at once instead of when the garbage collector finds the graph.
 */
public final class SftTrainer implements AutoCloseable {
    private final CausalLm model;
    private final SftConfig config;
    private final DecoderGraph graph;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final List<String> parameters;
    private int step;

    public SftTrainer(CausalLm model, SftConfig config, int totalSteps) {
        this.model = model;
        this.config = config;
        this.graph = model.buildGraph(DecoderOptions.plain(model.maxContext()));
        LanguageModelLoss.attach(graph, config.bannedTokenIds());
        this.parameters = List.copyOf(model.parameters().asMap().keySet());
        this.optimizer = new AdamW(List.of(new AdamW.Group("all", model.parameters().asMap(), config.learningRate(), config.weightDecay())),
                config.beta1(), config.beta2(), 1e-8);
        this.schedule = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, config.warmupSteps(), Math.max(1, totalSteps));
    }

    /**
     * One update on a batch, its examples run in micro-batches whose gradients are summed, each weighted by its share
     * of the batch's completion tokens (so the update is the one-pass update); returns the mean loss per completion
     * token (NaN if the step was skipped as non-finite).
     */
    public double step(List<SftExample> batch) {
        Accumulated a = accumulate(batch);
        double loss = a.loss();
        double norm = GradientClipping.globalNorm(a.gradients());
        if (Double.isFinite(loss) && Double.isFinite(norm)) {
            GradientClipping.clip(a.gradients(), config.maxGradNorm());
            // HF's warm-up starts at factor 0; a supervised run this short cannot spare the step, so count from 1
            optimizer.step(a.gradients(), schedule.factor(step + 1));
        } else {
            loss = Double.NaN;
        }
        a.gradients().values().forEach(NativeArrays::close);
        step++;
        return loss;
    }

    /** A batch's mean loss per completion token and its gradient, summed over its micro-batches. */
    record Accumulated(double loss, Map<String, INDArray> gradients) {}

    Accumulated accumulate(List<SftExample> batch) {
        long total = 0;
        for (SftExample e : batch) total += e.completion().length;
        Map<String, INDArray> sum = new HashMap<>();
        double loss = 0;
        for (List<SftExample> micro : config.microBatches(batch)) {
            long tokens = 0;
            for (SftExample e : micro) tokens += e.completion().length;
            double share = (double) tokens / Math.max(1, total);
            Map<String, INDArray> ph = inputs(micro);
            Gradients.Result r = Gradients.compute(graph.graph(), LanguageModelLoss.LOSS, ph, List.of(LanguageModelLoss.LOSS), parameters);
            loss += share * r.outputs().get(LanguageModelLoss.LOSS).getDouble(0);
            Gradients.addScaled(sum, r.gradients(), share);
            ph.values().forEach(NativeArrays::close);
        }
        return new Accumulated(loss, sum);
    }

    public int steps() { return step; }

    /**
     * Frees the working memory the graph's passes keep between steps (the RL run that follows a warm start in the same
     * process otherwise starts beside it). Training again allocates afresh.
     *
     * @return the bytes freed
     */
    public long releaseWorkingMemory() { return RecyclingMemory.release(graph.sd()); }

    @Override
    public void close() { releaseWorkingMemory(); }

    private Map<String, INDArray> inputs(List<SftExample> batch) {
        int width = 0;
        ContextWindow context = new ContextWindow(model.maxContext());
        for (int r = 0; r < batch.size(); r++) {
            SftExample e = batch.get(r);
            context.requireFits(r, (long) e.prompt().length + e.completion().length, "sft batch"); // not a gather failure
            width = Math.max(width, e.prompt().length + e.completion().length);
        }
        int b = batch.size();
        int pad = model.config().fillTokenId();
        int[][] ids = new int[b][width], pos = new int[b][width], mask = new int[b][width], labels = new int[b][width];
        float[][] lossMask = new float[b][width];
        for (int r = 0; r < b; r++) {
            SftExample e = batch.get(r);
            int n = e.prompt().length + e.completion().length;
            for (int c = 0; c < width; c++) {
                ids[r][c] = c < e.prompt().length ? e.prompt()[c] : c < n ? e.completion()[c - e.prompt().length] : pad;
                pos[r][c] = c < n ? c : 0;
                mask[r][c] = c < n ? 1 : 0;
            }
            for (int c = e.prompt().length - 1; c < n - 1; c++) {
                labels[r][c] = ids[r][c + 1];
                lossMask[r][c] = 1;
            }
        }
        Map<String, INDArray> ph = graph.sequenceInputs(ids, pos, mask);
        ph.put(TokenLogProbs.LABELS, Nd4j.createFromArray(labels));
        ph.put(LanguageModelLoss.LOSS_MASK, Nd4j.createFromArray(lossMask));
        return ph;
    }
}

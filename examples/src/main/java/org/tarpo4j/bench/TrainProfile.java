package org.tarpo4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.training.AdamW;
import org.tarpo4j.models.training.LanguageModelLoss;
import org.tarpo4j.models.training.TokenLogProbs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Where a training step's time goes: per-op-type times from {@link OpTimer}, the session rest, the optimizer. */
public final class TrainProfile {
    public static void main(String[] args) throws Exception {
        CausalLm lm = CausalLm.initialise(ModelConfig.read(Path.of(args[0])), 0, null);
        int b = args.length > 1 ? Integer.parseInt(args[1]) : 8, t = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        DecoderGraph g = lm.buildGraph(DecoderOptions.plain(t));
        LanguageModelLoss.attach(g, Set.of());
        Rng rng = new Rng(1);
        int v = lm.config().vocabSize();
        int[][] in = new int[b][t], labels = new int[b][t], pos = new int[b][t];
        for (int r = 0; r < b; r++) for (int c = 0; c < t; c++) { in[r][c] = rng.nextInt(v); labels[r][c] = rng.nextInt(v); pos[r][c] = c; }
        int[][] mask = new int[b][t];
        for (int[] row : mask) java.util.Arrays.fill(row, 1);
        Map<String, INDArray> ph = g.sequenceInputs(in, pos, mask);
        ph.put(TokenLogProbs.LABELS, Nd4j.createFromArray(labels));
        ph.put(LanguageModelLoss.LOSS_MASK, Nd4j.ones(DataType.FLOAT, b, t));
        List<String> params = List.copyOf(lm.parameters().asMap().keySet());
        AdamW adam = new AdamW(List.of(new AdamW.Group("all", lm.parameters().asMap(), 1e-4, 0.0)), 0.9, 0.999, 1e-8);
        OpTimer timer = new OpTimer();
        g.sd().setListeners(timer);
        for (int i = 0; i < reps + 1; i++) {
            timer.reset();
            long t0 = System.nanoTime();
            Map<String, INDArray> grads = Gradients.compute(g.graph(), LanguageModelLoss.LOSS, ph, List.of(), params).gradients();
            long t1 = System.nanoTime();
            adam.step(grads, 1.0);
            long t2 = System.nanoTime();
            System.out.printf("step %d: grads %.1f ms (in ops %.1f ms, %d ops), adamw %.1f ms, total %.1f ms = %.0f tok/s%n", i,
                    (t1 - t0) / 1e6, timer.totalMs(), timer.count(), (t2 - t1) / 1e6, (t2 - t0) / 1e6, b * t / ((t2 - t0) / 1e9));
        }
        System.out.println(timer.report(40, false));
        System.out.println(timer.report(Integer.getInteger("top", 40), true));
    }
}

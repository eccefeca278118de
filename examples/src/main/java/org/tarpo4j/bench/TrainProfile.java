package org.tarpo4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.RecyclingMemory;
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
        boolean lora = Boolean.getBoolean("lora"); // -Dlora=true: the adapters of Benchmark's --lora train, not the weights
        DecoderGraph g = lm.buildGraph(DecoderOptions.plain(t).withLora(lora ? Benchmark.LORA : null));
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
        Map<String, INDArray> trainable = new HashMap<>();
        lm.parameters().asMap().forEach((k, a) -> { if (g.options().trains(k) && g.sd().hasVariable(k)) trainable.put(k, a); });
        List<String> params = List.copyOf(trainable.keySet());
        AdamW adam = new AdamW(List.of(new AdamW.Group("all", trainable, 1e-4, 0.0)), 0.9, 0.999, 1e-8);
        OpTimer timer = new OpTimer();
        // the step's CPU time, the work it took, stays comparable when other jobs share the cores (wall time does not)
        var process = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        g.sd().setListeners(timer);
        long allocated = 0;
        for (int i = 0; i < reps + 1; i++) {
            timer.reset();
            long t0 = System.nanoTime(), cpu0 = process.getProcessCpuTime();
            Map<String, INDArray> grads = Gradients.compute(g.graph(), LanguageModelLoss.LOSS, ph, List.of(), params).gradients();
            long t1 = System.nanoTime();
            adam.step(grads, 1.0);
            Gradients.release(g.graph(), grads);
            long t2 = System.nanoTime(), cpu2 = process.getProcessCpuTime();
            var backward = g.sd().getFunction("grad"); // M2.1 runs the step in this copy of the graph: time its ops
            if (i == 0 && backward != null) backward.setListeners(timer);
            long fresh = RecyclingMemory.allocations(backward) - allocated;
            allocated += fresh;
            System.out.printf("step %d: grads %.1f ms (in ops %.1f ms, %d ops, %d arrays allocated afresh), adamw %.1f ms, total %.1f ms = %.0f tok/s, process CPU %.1f ms%n", i,
                    (t1 - t0) / 1e6, timer.totalMs(), timer.count(), fresh, (t2 - t1) / 1e6, (t2 - t0) / 1e6, b * t / ((t2 - t0) / 1e9), (cpu2 - cpu0) / 1e6);
        }
        System.out.println(timer.report(40, false));
        System.out.println(timer.report(Integer.getInteger("top", 40), true));
    }
}

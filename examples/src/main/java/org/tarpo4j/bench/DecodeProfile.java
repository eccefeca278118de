package org.tarpo4j.bench;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.fast.FastDecoder;
import org.tarpo4j.models.generation.Rng;

import java.nio.file.Path;
import java.util.List;

/**
 * Decode steps of the fast decoder in a loop, for a profiler: args config batch steps. Prints the time of a decode step
 * and of a prefill; with {@code -Dops=true} also ND4J's op profiler (calls per op, time per op class). Where a step's
 * time goes inside the decoder is for a sampling profiler (e.g. {@code -XX:StartFlightRecording}), which needs no
 * timing code in the decoder itself.
 */
public final class DecodeProfile {
    public static void main(String[] args) throws Exception {
        CausalLm lm = CausalLm.initialise(ModelConfig.read(Path.of(args[0])), 0, null);
        int b = Integer.parseInt(args[1]), steps = Integer.parseInt(args[2]), prompt = 64, gen = 64;
        boolean ops = Boolean.getBoolean("ops");
        Rng rng = new Rng(0);
        int[][] ids = new int[b][prompt], pos = new int[b][prompt], valid = new int[b][prompt];
        for (int r = 0; r < b; r++) for (int c = 0; c < prompt; c++) { ids[r][c] = rng.nextInt(1000); pos[r][c] = c; valid[r][c] = 1; }
        StepInput pre = new StepInput(Nd4j.createFromArray(ids), Nd4j.createFromArray(pos), Nd4j.createFromArray(valid));
        long decodeNs = 0, prefillNs = 0;
        int done = 0, runs = 0;
        while (done < steps) {
            if (runs == 1 && ops) {   // after a warm-up run
                OpProfiler.getInstance().reset();
                Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
            }
            long t0 = System.nanoTime();
            try (IncrementalDecoder d = new FastDecoder(lm.graph(), b, prompt + gen, List.of())) {
                d.forward(pre);
                long t1 = System.nanoTime();
                for (int i = 0; i < gen && done < steps; i++, done++) {
                    int[][] next = new int[b][1], p = new int[b][1], v = new int[b][1];
                    for (int r = 0; r < b; r++) { next[r][0] = (r * 31 + i) % 1000; p[r][0] = prompt + i; v[r][0] = 1; }
                    d.forward(new StepInput(Nd4j.createFromArray(next), Nd4j.createFromArray(p), Nd4j.createFromArray(v)));
                }
                long t2 = System.nanoTime();
                if (runs++ > 0) { prefillNs += t1 - t0; decodeNs += t2 - t1; }
            }
        }
        if (ops) OpProfiler.getInstance().printOutDashboard();
        System.out.printf("per decode step %.3f ms, per prefill %.1f ms (runs %d)%n", decodeNs / 1e6 / (done - gen), prefillNs / 1e6 / (runs - 1), runs);
    }
}

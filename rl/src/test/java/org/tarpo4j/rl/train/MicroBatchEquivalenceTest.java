package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.policy.Completion;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A step's gradient accumulated over micro-batches of 1 and 2 completions equals the gradient of all completions in one
 * pass, for every loss type (whose normalisation is the trap), with and without LoRA, in tarpo, grpo and hrpo modes;
 * and so does the gradient of rows fed in chunks of positions over their KV cache, and of rows padded to a multiple of
 * some positions.
 */
class MicroBatchEquivalenceTest {
    @Test
    void theAccumulatedGradientEqualsTheOneBatchGradient(@TempDir Path tmp) throws Exception {
        for (String mode : List.of("tarpo", "grpo", "hrpo")) {
            for (boolean lora : List.of(false, true)) {
                TarpoConfig c = TrainerTestSupport.config(mode, lora);
                c.maskTruncatedCompletions = lora;           // masked rows (zero tokens) in half of the cases
                c.tokenLossOnSoftSteps = !mode.equals("tarpo") || lora;
                CausalLm model = RlTestModels.model(3);
                TarpoTrainer trainer = TrainerTestSupport.trainer(c, model, tmp.resolve(mode + lora));
                // PEFT starts B at zero, which leaves A without a gradient: give the adapters values (seeded: some
                // unseeded draws left every completion of a case truncated, hence masked, and every gradient zero)
                Nd4j.getRandom().setSeed(7);
                model.parameters().asMap().forEach((name, a) -> {
                    if (name.contains(".lora_B.")) a.assign(Nd4j.randn(DataType.FLOAT, a.shape()).muli(0.05));
                });
                List<int[]> prompts = new ArrayList<>();
                List<int[]> perCompletion = new ArrayList<>();
                for (Problem p : TrainerTestSupport.problems().subList(0, c.promptsPerStep)) prompts.add(TrainerTestSupport.encoder().encode(p));
                // a seed whose completions both stop and run out of length: masking then leaves rows with and without tokens
                List<Completion> completions = null;
                for (long seed = 11; seed < 60 && (completions == null || !mixed(completions)); seed++) {
                    completions = trainer.rollout().generate(prompts, seed);
                }
                assertTrue(mixed(completions), "no seed gave stopped and truncated completions");
                for (Completion x : completions) perCompletion.add(prompts.get(x.promptIndex()));
                double[] advantages = new double[completions.size()];
                for (int i = 0; i < advantages.length; i++) advantages[i] = Math.sin(1.7 * i + 0.3);
                for (String lossType : List.of("grpo", "bnpo", "dr_grpo", "dapo")) {
                    Map<String, Object> one = gradient(trainer, c, lossType, null, null, perCompletion, completions, advantages);
                    for (int size : new int[]{1, 2}) {
                        Map<String, Object> split = gradient(trainer, c, lossType, size, null, perCompletion, completions, advantages);
                        assertSame(one, split, mode + (lora ? " + lora" : "") + " " + lossType + " micro-batch " + size);
                    }
                    if (!lossType.equals("grpo")) continue;
                    // rows padded to a multiple of 16 positions (pad_to_multiple_of), and not padded at all
                    for (int multiple : new int[]{1, 16}) {
                        TarpoConfig padded = c.copy();
                        padded.padToMultipleOf = multiple;
                        Map<String, Object> p = gradient(trainer, padded, lossType, 2, null, perCompletion, completions, advantages);
                        assertSame(one, p, mode + (lora ? " + lora" : "") + " padded to a multiple of " + multiple);
                    }
                    // rows of up to 15 positions in chunks of 4 and 7 (a chunk border inside the prompt and inside the
                    // completion), each chunk attending to the cache of the ones before
                    for (int chunk : new int[]{4, 7}) {
                        Map<String, Object> chunked = gradient(trainer, c, lossType, 2, chunk, perCompletion, completions, advantages);
                        assertSame(one, chunked, mode + (lora ? " + lora" : "") + " chunks of " + chunk);
                    }
                }
            }
        }
    }

    private static boolean mixed(List<Completion> cs) {
        return cs.stream().anyMatch(Completion::stopped) && cs.stream().anyMatch(c -> !c.stopped());
    }

    private static Map<String, Object> gradient(TarpoTrainer trainer, TarpoConfig base, String lossType, Integer size,
                                                Integer chunk, List<int[]> prompts, List<Completion> completions, double[] advantages) {
        TarpoConfig c = base.copy();
        c.lossType = org.tarpo4j.rl.core.LossType.parse(lossType);
        c.perDeviceTrainBatchSize = size;
        c.chunkLength = chunk;
        try (PolicyGradient g = trainer.policyGradient(c, prompts, completions, advantages)) {
            assertEquals(size == null ? 1 : (completions.size() + size - 1) / size, g.microBatches());
            PolicyGradient.Result r = g.compute(trainer.trainable().names());
            return Map.of("gradients", r.gradients(), "metrics", r.metrics());
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertSame(Map<String, Object> expected, Map<String, Object> actual, String what) {
        Map<String, Double> em = (Map<String, Double>) expected.get("metrics"), am = (Map<String, Double>) actual.get("metrics");
        assertEquals(em.keySet(), am.keySet(), what);
        em.forEach((k, v) -> assertEquals(v, am.get(k), 1e-5 + 1e-4 * Math.abs(v), what + ": metric " + k));
        Map<String, INDArray> eg = (Map<String, INDArray>) expected.get("gradients"), ag = (Map<String, INDArray>) actual.get("gradients");
        assertEquals(eg.keySet(), ag.keySet(), what);
        double total = 0;
        for (var e : eg.entrySet()) {
            INDArray a = ag.get(e.getKey());
            double scale = Math.max(e.getValue().amaxNumber().doubleValue(), 1e-6);
            double diff = e.getValue().sub(a).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * scale + 1e-7, what + ": " + e.getKey() + " differs by " + diff + " (max |g| " + scale + ")");
            total += e.getValue().norm2Number().doubleValue();
        }
        assertTrue(total > 0, what + ": every gradient is zero, so the comparison shows nothing");
    }
}

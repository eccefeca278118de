package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.rl.RlTestModels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TarpoTrainerTest {
    @Test
    void aStepChangesEveryTrainableParameterAndNoFrozenOne(@TempDir Path tmp) throws Exception {
        for (String mode : List.of("tarpo", "grpo", "hrpo")) {
            for (boolean lora : List.of(false, true)) {
                TarpoConfig c = TrainerTestSupport.config(mode, lora);
                c.weightDecay = 0; // a change must come from a gradient, not from decay
                c.maxSteps = 2;    // LoRA's A gets a gradient only once B is non-zero, i.e. from the second step
                CausalLm model = RlTestModels.model(1);
                TarpoTrainer trainer = TrainerTestSupport.trainer(c, model, tmp.resolve(mode + lora));
                Map<String, INDArray> before = TrainerTestSupport.snapshot(model);
                trainer.train();
                String what = mode + (lora ? " + lora" : "");
                int trained = 0;
                for (var e : model.parameters().asMap().entrySet()) {
                    String name = e.getKey();
                    INDArray prior = before.get(name);
                    if (prior == null) continue; // created when the policy was built (heads, adapters): checked below
                    boolean changed = !prior.equals(e.getValue());
                    boolean trainable = LatentHeads.isHeadParameter(name) || !lora || LoraAdapters.isAdapterParameter(name);
                    assertEquals(trainable, changed, what + ": " + name + (trainable ? " did not change" : " changed"));
                    trained += trainable ? 1 : 0;
                }
                for (String name : model.parameters().asMap().keySet()) {
                    if (before.containsKey(name)) continue;
                    assertTrue(LatentHeads.isHeadParameter(name) || LoraAdapters.isAdapterParameter(name), name);
                }
                assertEquals(0, trainer.skippedSteps(), what);
                assertTrue(trained > 0 || lora, what);
            }
        }
    }

    @Test
    void newParametersOfThePolicyTrainToo(@TempDir Path tmp) throws Exception {
        // heads and adapters do not exist before the policy is built: compare them after step 1 vs step 2
        TarpoConfig c = TrainerTestSupport.config("tarpo", true);
        c.weightDecay = 0;
        c.maxSteps = 3;
        CausalLm model = RlTestModels.model(2);
        TarpoTrainer trainer = TrainerTestSupport.trainer(c, model, tmp);
        trainer.trainStep();
        Map<String, INDArray> afterOne = TrainerTestSupport.snapshot(model);
        trainer.trainStep();
        trainer.trainStep();
        int checked = 0;
        for (var e : model.parameters().asMap().entrySet()) {
            if (LatentHeads.isHeadParameter(e.getKey()) || LoraAdapters.isAdapterParameter(e.getKey())) {
                assertFalse(afterOne.get(e.getKey()).equals(e.getValue()), e.getKey() + " did not change");
                checked++;
            }
        }
        assertTrue(checked >= 2 + 2 * 7 * 2, "heads and every adapter: " + checked);
    }

    @Test
    void resumingGivesTheSameMetricsAsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        for (boolean lora : List.of(false, true)) {
            TarpoConfig c = TrainerTestSupport.config("tarpo", lora);
            c.maxSteps = 4;
            c.saveSteps = 2;
            List<StepMetrics> straight = TrainerTestSupport.trainer(c, RlTestModels.model(3), tmp.resolve("a" + lora)).train();

            // the same 4-step run, interrupted after its checkpoint at step 2
            Path run = tmp.resolve("b" + lora);
            TarpoTrainer first = TrainerTestSupport.trainer(c, RlTestModels.model(3), run);
            first.trainStep();
            first.trainStep();
            first.save();
            assertTrue(Files.isDirectory(CheckpointManager.directory(run, 2)));
            TarpoTrainer resumed = TrainerTestSupport.trainer(c, RlTestModels.model(3), run);
            assertEquals(2, resumed.resume());
            List<StepMetrics> rest = resumed.train();
            assertEquals(2, rest.size());
            for (int i = 0; i < 2; i++) {
                assertEquals(straight.get(2 + i).withoutTimings(), rest.get(i).withoutTimings(), "lora=" + lora + " step " + (3 + i));
            }
            assertEquals(4, MetricsLog.read(run).size());
        }
    }

    @Test
    void resumingARunStoppedBeforeItsFirstCheckpointDropsItsLoggedSteps(@TempDir Path tmp) throws Exception {
        // found by the kill test: the steps were logged again after the restart, each appearing twice
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        TarpoTrainer first = TrainerTestSupport.trainer(c, RlTestModels.model(3), tmp);
        first.trainStep();
        first.trainStep();
        assertEquals(2, MetricsLog.read(tmp).size());
        TarpoTrainer restarted = TrainerTestSupport.trainer(c, RlTestModels.model(3), tmp);
        assertEquals(0, restarted.resume());
        assertEquals(0, MetricsLog.read(tmp).size());
        assertEquals(0, Files.readAllLines(tmp.resolve(MetricsLog.COMPLETIONS)).size());
    }

    @Test
    void aCheckpointDeletionCutShortIsCleanedUpAndNeverCounted(@TempDir Path tmp) throws Exception {
        // what a crash while pruning leaves: part of an old checkpoint, under a hidden name
        Files.createDirectories(tmp.resolve(".checkpoint-1.del-abc"));
        Files.writeString(tmp.resolve(".checkpoint-1.del-abc").resolve(CheckpointManager.STATE), "{}");
        Files.createDirectories(CheckpointManager.directory(tmp, 2));
        Files.writeString(CheckpointManager.directory(tmp, 2).resolve(CheckpointManager.STATE), "{}");
        assertEquals(List.of(2), CheckpointManager.steps(tmp));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("checkpoint-2"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void rewardRisesOnATrivialTask(@TempDir Path tmp) throws Exception {
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        c.maxSteps = 30;
        c.numGenerations = 8;
        c.promptsPerStep = 4;
        c.learningRate = 3e-3;
        c.beta = 0;
        c.logCompletionsSteps = 0;
        List<StepMetrics> m = TrainerTestSupport.trainer(c, RlTestModels.model(4), tmp).train();
        double first = 0, last = 0;
        for (int i = 0; i < 5; i++) {
            first += m.get(i).get("reward") / 5;
            last += m.get(m.size() - 1 - i).get("reward") / 5;
        }
        assertTrue(last > first + 0.15, "reward " + first + " -> " + last);
    }

    @Test
    void nonFiniteLossGradientOrRewardSkipsTheStepAndLeavesWeightsUnchanged(@TempDir Path tmp) throws Exception {
        for (String fault : List.of("loss", "gradient", "reward")) {
            TarpoConfig c = TrainerTestSupport.config("tarpo", false);
            c.maxSteps = 3;
            CausalLm model = RlTestModels.model(5);
            TarpoTrainer trainer = TrainerTestSupport.trainer(c, model, tmp.resolve(fault));
            trainer.trainStep();
            Map<String, INDArray> before = TrainerTestSupport.snapshot(model);
            trainer.injectLossFault(loss -> fault.equals("loss") ? Double.POSITIVE_INFINITY : loss);
            trainer.setCallback(new TrainerCallback() {
                @Override public void onRewards(int step, double[] r) { if (fault.equals("reward")) r[0] = Double.NaN; }
                @Override public void onGradients(int step, Map<String, INDArray> g, double loss) {
                    if (fault.equals("gradient")) g.values().iterator().next().putScalar(0, Double.NaN);
                }
            });
            StepMetrics bad = trainer.trainStep();
            assertEquals(1, bad.get("skipped"), fault);
            assertEquals(1, trainer.skippedSteps(), fault);
            before.forEach((k, v) -> assertEquals(v, model.parameters().get(k), fault + ": " + k + " changed"));
            trainer.injectLossFault(loss -> loss);
            trainer.setCallback(TrainerCallback.NONE);
            StepMetrics next = trainer.trainStep();
            assertEquals(0, next.get("skipped"), fault);
            assertEquals(1, next.get("skipped_steps"), fault);
        }
    }

    @Test
    void metricsAndCompletionsAreLogged(@TempDir Path tmp) throws Exception {
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        c.maxSteps = 2;
        TrainerTestSupport.trainer(c, RlTestModels.model(6), tmp).train();
        var lines = MetricsLog.read(tmp);
        assertEquals(2, lines.size());
        for (String key : List.of("reward", "reward_std", "frac_reward_zero_std", "completions/mean_length", "completions/min_length",
                "completions/max_length", "completions/clipped_ratio", "kl", "kl_route", "entropy", "route_entropy", "soft_ratio",
                "effective_tokens", "clip_ratio/region_mean", "grad_norm", "learning_rate", "action_learning_rate",
                "time/rollout_s", "time/reference_s", "time/update_s", "time/cpu_s", "time/gc_s", "rewards/d_fraction/mean", "rewards/d_fraction/std",
                "num_tokens", "clip_ratio/low_mean", "clip_ratio/high_mean")) {
            assertTrue(lines.get(0).containsKey(key), "missing metric " + key);
        }
        for (var m : lines) { // CPU and collector time over the step's span: within what its wall time allows
            double wall = ((Number) m.get("time/rollout_s")).doubleValue() + ((Number) m.get("time/reference_s")).doubleValue()
                    + ((Number) m.get("time/update_s")).doubleValue();
            double cpu = ((Number) m.get("time/cpu_s")).doubleValue(), gc = ((Number) m.get("time/gc_s")).doubleValue();
            assertTrue(cpu > 0 && cpu <= Runtime.getRuntime().availableProcessors() * wall + 0.05, cpu + " s CPU in " + wall + " s");
            assertTrue(gc >= 0 && gc <= wall + 0.01, gc + " s GC in " + wall + " s");
        }
        List<String> completions = new ArrayList<>(Files.readAllLines(tmp.resolve(MetricsLog.COMPLETIONS)));
        assertEquals(2 * 2 * 4, completions.size());
        // TRL's meanings, recomputed from the logged completions: rewards/<name>/std over the step's 8 completions
        // (Bessel), num_tokens = prompt (3 ids) + completion tokens so far, epoch = passes over the 6 problems
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        long tokens = 0;
        for (int step = 1; step <= 2; step++) {
            double[] r = new double[8];
            for (int i = 0; i < 8; i++) r[i] = json.readTree(completions.get((step - 1) * 8 + i)).get("reward").asDouble();
            double mean = java.util.Arrays.stream(r).average().orElseThrow(), ss = 0;
            for (double v : r) ss += (v - mean) * (v - mean);
            var m = lines.get(step - 1);
            assertEquals(Math.sqrt(ss / 7), ((Number) m.get("rewards/d_fraction/std")).doubleValue(), 1e-12);
            tokens += 8 * 3 + Math.round(8 * ((Number) m.get("completions/mean_length")).doubleValue());
            assertEquals(tokens, ((Number) m.get("num_tokens")).longValue(), "step " + step);
            assertEquals(2.0 * step / 6, ((Number) m.get("epoch")).doubleValue(), 1e-12, "step " + step);
        }
        assertTrue(completions.stream().anyMatch(l -> l.contains(MetricsLog.SOFT_OPEN)), "soft steps are marked");
        assertTrue(Files.isDirectory(CheckpointManager.directory(tmp, 2)), "a checkpoint at the end");
    }

    @Test
    void clipRatiosSplitIntoTheLowAndTheHighSide(@TempDir Path tmp) throws Exception {
        // a second update on the same rollout moves the ratio off 1; a narrow clip range makes both sides bind
        TarpoConfig c = TrainerTestSupport.config("grpo", false);
        c.maxSteps = 3;
        c.numIterations = 2;
        c.epsilon = 0.01;
        c.learningRate = 5e-2;
        TrainerTestSupport.trainer(c, RlTestModels.model(7), tmp).train();
        double low = 0, high = 0;
        for (var m : MetricsLog.read(tmp)) {
            double l = ((Number) m.get("clip_ratio/low_mean")).doubleValue(), h = ((Number) m.get("clip_ratio/high_mean")).doubleValue();
            assertEquals(((Number) m.get("clip_ratio/region_mean")).doubleValue(), l + h, 1e-6, "region = low + high");
            low += l;
            high += h;
        }
        assertTrue(low > 0 && high > 0, "both sides clipped somewhere: low " + low + ", high " + high);
    }
}

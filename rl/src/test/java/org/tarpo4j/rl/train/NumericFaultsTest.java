package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.eval.EvalResult;
import org.tarpo4j.rl.eval.Evaluator;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.TrainingBatch;
import org.tarpo4j.rl.reward.FormatReward;
import org.tarpo4j.rl.reward.Gsm8kReward;
import org.tarpo4j.rl.reward.MathReward;
import org.tarpo4j.rl.reward.WeightedRewards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numeric faults and degenerate batches: an injected NaN or infinity in the loss, a gradient or a reward skips the
 * step, counts it and leaves the weights bit-identical while the run continues; all-equal rewards, completions with
 * nothing to learn from, completions that stop at once and completions without the answer marker give finite,
 * unskipped steps.
 */
class NumericFaultsTest {
    private static final List<String> SITES = List.of("loss", "gradient", "reward");
    private static final double[] VALUES = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    /** Every parameter's float bits. */
    private static Map<String, float[]> bits(CausalLm model) {
        Map<String, float[]> m = new LinkedHashMap<>();
        model.parameters().asMap().forEach((k, v) -> m.put(k, v.castTo(DataType.FLOAT).dup('c').data().asFloat()));
        return m;
    }

    private static void assertSameBits(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), what + ": " + k + " changed"));
    }

    private static void inject(TarpoTrainer trainer, String site, double value) {
        trainer.injectLossFault(loss -> site.equals("loss") ? value : loss);
        trainer.setCallback(new TrainerCallback() {
            @Override public void onRewards(int step, double[] r) { if (site.equals("reward")) r[r.length / 2] = value; }
            @Override public void onGradients(int step, Map<String, INDArray> g, double loss) {
                if (site.equals("gradient")) g.values().iterator().next().putScalar(0, value);
            }
        });
    }

    private static void clean(TarpoTrainer trainer) {
        trainer.injectLossFault(loss -> loss);
        trainer.setCallback(TrainerCallback.NONE);
    }

    private static void assertFiniteAndNotSkipped(StepMetrics m, String what) {
        assertEquals(0, m.get("skipped"), what);
        for (String key : List.of("loss", "grad_norm", "kl", "reward", "advantage_abs_mean")) {
            assertTrue(Double.isFinite(m.get(key)), what + ": " + key + " = " + m.get(key));
        }
    }

    @Test
    void everyInjectedFaultIsSkippedCountedAndLeavesTheWeightsBitIdentical(@TempDir Path tmp) throws Exception {
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        c.maxSteps = 2 * SITES.size() * VALUES.length;
        c.logCompletionsSteps = 0;
        CausalLm model = RlTestModels.model(5);
        TarpoTrainer trainer = TrainerTestSupport.trainer(c, model, tmp);
        int injected = 0, skipped = 0, unchanged = 0;
        for (String site : SITES) {
            for (double value : VALUES) {
                String what = value + " in the " + site;
                Map<String, float[]> before = bits(model);
                inject(trainer, site, value);
                StepMetrics bad = trainer.trainStep();
                injected++;
                assertEquals(1, bad.get("skipped"), what);
                skipped++;
                assertSameBits(before, bits(model), what);
                unchanged++;
                clean(trainer);
                StepMetrics next = trainer.trainStep(); // the run goes on, and its next step does update
                assertFiniteAndNotSkipped(next, "after " + what);
                assertEquals(skipped, next.get("skipped_steps"), what);
                assertFalse(Arrays.equals(before.values().iterator().next(), bits(model).values().iterator().next()),
                        "a clean step after " + what + " changes the weights");
            }
        }
        assertEquals(skipped, trainer.skippedSteps());
        assertEquals(c.maxSteps, trainer.step());
        List<Map<String, Object>> lines = MetricsLog.read(tmp);
        assertEquals(c.maxSteps, lines.size());
        assertEquals(skipped, lines.stream().filter(l -> ((Number) l.get("skipped")).intValue() == 1).count());
        String summary = String.format(Locale.ROOT, "fault injection: %d faults (NaN, +Inf, -Inf in the loss, a gradient, a reward), "
                + "%d skipped and counted, weights bit-identical after %d, run continued to step %d", injected, skipped, unchanged,
                trainer.step());
        System.out.println(summary);
        Files.writeString(Files.createDirectories(Path.of("target", "reliability")).resolve("faults.txt"), summary + "\n");
    }

    @Test
    void allEqualRewardsGiveZeroAdvantagesAndAFiniteStep(@TempDir Path tmp) throws Exception {
        for (String scale : List.of("group", "batch", "none")) {
            TarpoConfig c = TrainerTestSupport.config("tarpo", false);
            c.scaleRewards = org.tarpo4j.rl.core.Advantages.ScaleRewards.parse(scale);
            TarpoTrainer trainer = TrainerTestSupport.trainer(c, RlTestModels.model(6), tmp.resolve(scale));
            trainer.setCallback(new TrainerCallback() {
                @Override public void onRewards(int step, double[] r) { Arrays.fill(r, 0.5); }
            });
            StepMetrics m = trainer.trainStep();
            assertFiniteAndNotSkipped(m, scale);
            assertEquals(0.0, m.get("advantage_abs_mean"), scale);
            assertEquals(1.0, m.get("frac_reward_zero_std"), scale);
            assertEquals(0.0, m.get("reward_std"), scale);
        }
    }

    @Test
    void completionsWithNothingToLearnFromGiveAZeroLoss(@TempDir Path tmp) throws Exception {
        // the stop token banned: every completion runs to the length limit and, masked as truncated, counts for nothing
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        c.bannedTokenIds = List.of(0, 1, 2);
        c.maskTruncatedCompletions = true;
        StepMetrics m = TrainerTestSupport.trainer(c, RlTestModels.model(7), tmp).trainStep();
        assertFiniteAndNotSkipped(m, "all masked");
        assertEquals(1.0, m.get("completions/clipped_ratio"));
        assertEquals(0.0, m.get("loss"), 0.0); // -0.0 counts
        assertEquals(0.0, m.get("grad_norm"), 0.0);
    }

    @Test
    void completionsThatStopAtOnceGiveAFiniteStep(@TempDir Path tmp) throws Exception {
        // every id but the stop token banned: each completion is the stop token alone
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        c.bannedTokenIds = new ArrayList<>();
        for (int id = 0; id < RlTestModels.VOCAB; id++) if (id != 2) c.bannedTokenIds.add(id);
        StepMetrics m = TrainerTestSupport.trainer(c, RlTestModels.model(8), tmp).trainStep();
        assertFiniteAndNotSkipped(m, "stop at once");
        assertEquals(1.0, m.get("completions/mean_length"));
        assertEquals(0.0, m.get("completions/clipped_ratio"));
    }

    @Test
    void anEmptyCompletionScoresZeroAndLaysOutAsAnAllMaskedRow() {
        for (var reward : List.of(new Gsm8kReward(), new MathReward(), new FormatReward())) {
            assertEquals(0.0, reward.score("", "42"), reward.name());
        }
        Completion empty = new Completion(0, new int[0], new int[0], new int[0][], new float[0][], null, new double[0], new double[0],
                false, "");
        Completion one = new Completion(0, new int[]{7}, new int[]{0}, new int[][]{new int[4]}, new float[][]{new float[4]}, null,
                new double[]{-1.0}, new double[]{0.0}, true, "x");
        TrainingBatch batch = new TrainingBatch(List.of(new int[]{1, 5}, new int[]{1, 5}), List.of(empty, one), 0, 4);
        assertEquals(1, batch.completionTokens());
        assertEquals(0f, sum(batch.completionMask[0]));
    }

    private static float sum(float[] x) {
        float s = 0;
        for (float v : x) s += v;
        return s;
    }

    @Test
    void completionsWithoutTheAnswerMarkerScoreZeroAndVoteForNothing(@TempDir Path tmp) throws Exception {
        // the toy text is letters and '#': the marker "@@" never appears
        assertEquals(0.0, new Gsm8kReward().score("so the answer is 42", "42"));
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        StepMetrics m = new TarpoTrainer(c, RlTestModels.model(9), TrainerTestSupport.problems(), TrainerTestSupport.encoder(),
                WeightedRewards.of(new Gsm8kReward("@@")), RlTestModels.text(), tmp).trainStep();
        assertFiniteAndNotSkipped(m, "no marker");
        assertEquals(0.0, m.get("reward"));

        List<Problem> problems = TrainerTestSupport.problems().subList(0, 3);
        EvalResult r = new Evaluator(RlTestModels.policy(RlTestModels.model(9), LatentMode.TARPO, 0.0), RlTestModels.rollout(4, 8, "@@"),
                RlTestModels.text(), 2).evaluate("toy", problems, TrainerTestSupport.encoder(), new Gsm8kReward("@@"), 1, null);
        assertEquals(0.0, r.avgAtK());
        assertEquals(0.0, r.majAtK());
    }
}

package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.tarpo4j.layers.core.RecyclingMemory;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.memory.MemoryPlan;
import org.tarpo4j.rl.policy.Completion;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At CI size (a 17M-parameter Qwen2-shaped model with a 32k vocabulary, LoRA): a step's working memory is bounded by its
 * micro-batch, not by its rows (8 rows take what 2 rows take, at 2 rows a pass), and the memory plan's update part is
 * within 25% of what the step's passes actually held.
 */
class StepMemoryTest {
    private static final int PROMPT = 48, COMPLETION = 48, MICRO_BATCH = 2;

    @Test
    void eightRowsTakeWhatTwoTakeAtTheSameMicroBatchSize(@TempDir Path tmp) throws Exception {
        ModelConfig config = ModelConfig.qwen2(256, 8, 8, 4, 1024, 32000, 512, 1, 2, 0);
        CausalLm model = CausalLm.initialise(config, 0, null);
        TarpoConfig c = TrainerTestSupport.config("tarpo", true);
        c.loraRank = 8;
        c.perDeviceTrainBatchSize = MICRO_BATCH;
        c.maxCompletionLength = COMPLETION;
        TarpoTrainer trainer = TrainerTestSupport.trainer(c, model, tmp);
        SameDiff session = trainer.policy().graph().sd();

        long two = peakOfStep(trainer, c, 2, session);
        long eight = peakOfStep(trainer, c, 8, session);
        assertTrue(eight <= 1.10 * two, "8 rows held " + eight + " bytes, 2 rows " + two);

        MemoryPlan plan = MemoryPlan.training(config, new MemoryPlan.Training(model.parameters().count(),
                trainer.trainable().count(), 0, 2, PROMPT, COMPLETION, MICRO_BATCH, PROMPT + COMPLETION, PROMPT + COMPLETION, false));
        long planned = MemoryPlan.sum(plan.update());
        assertTrue(planned >= 0.75 * eight && planned <= 1.25 * eight,
                "the plan's update (" + planned + " bytes) is within 25% of the measured " + eight);
    }

    /** The most session memory one step's passes (the policy's and the reference's) held, for {@code rows} rows. */
    private static long peakOfStep(TarpoTrainer trainer, TarpoConfig c, int rows, SameDiff graph) {
        SplittableRandom rnd = new SplittableRandom(rows);
        List<int[]> prompts = new ArrayList<>();
        List<Completion> completions = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int[] p = new int[PROMPT];
            for (int j = 0; j < PROMPT; j++) p[j] = 3 + rnd.nextInt(31_000);
            prompts.add(p);
            int[] tokens = new int[COMPLETION], routes = new int[COMPLETION];
            int[][] softIds = new int[COMPLETION][c.softTopK];
            float[][] softWeights = new float[COMPLETION][c.softTopK];
            double[] logp = new double[COMPLETION], routeLogp = new double[COMPLETION];
            for (int t = 0; t < COMPLETION; t++) {
                tokens[t] = 3 + rnd.nextInt(31_000);
                routes[t] = t % 4 == 0 ? 1 : 0;
                logp[t] = -10;
                routeLogp[t] = -0.7;
                for (int k = 0; k < c.softTopK; k++) {
                    softIds[t][k] = 3 + rnd.nextInt(31_000);
                    softWeights[t][k] = 1f / c.softTopK;
                }
            }
            completions.add(new Completion(r / 2, tokens, routes, softIds, softWeights, null, logp, routeLogp, true, ""));
        }
        double[] advantages = new double[rows];
        for (int r = 0; r < rows; r++) advantages[r] = r % 2 == 0 ? 1 : -1;
        try (PolicyGradient g = trainer.policyGradient(c, prompts, completions, advantages)) {
            g.compute(trainer.trainable().names()); // builds the gradient function and warms the pool
            SameDiff grad = graph.getFunction("grad");
            RecyclingMemory.resetPeak(grad);
            g.compute(trainer.trainable().names());
            return RecyclingMemory.peakBytes(grad);
        }
    }
}

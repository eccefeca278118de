package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.memory.MemoryLimitExceededException;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.eval.Evaluator;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.rollout.MixedRollout;
import org.tarpo4j.rl.sft.SftConfig;
import org.tarpo4j.rl.sft.SftExample;
import org.tarpo4j.rl.sft.SftTrainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Context and memory limits at every entry point that samples or trains: a prompt that leaves no room in the context
 * (128 positions for the test model) is rejected with a message naming it, before any work, never an out-of-bounds
 * failure inside the graph; an impossible batch is refused before anything is allocated.
 */
class TrainerLimitsTest {
    private static final int CONTEXT = RlTestModels.config().maxPositionEmbeddings();

    /** The trainer tests' problems and one more, {@code long} (its prompt comes from {@link #encoderWithOneOf}). */
    private static List<Problem> problemsWithALongOne() {
        List<Problem> out = new ArrayList<>(TrainerTestSupport.problems());
        out.add(new Problem("long", "a long prompt", "0", null));
        return out;
    }

    private static PromptEncoder encoderWithOneOf(int length) {
        PromptEncoder base = TrainerTestSupport.encoder();
        return p -> {
            if (!p.id().equals("long")) return base.encode(p);
            int[] ids = new int[length];
            Arrays.fill(ids, 5);
            return ids;
        };
    }

    private static void assertNames(Exception e, String... parts) {
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }

    @Test
    void theTrainerRejectsATooLongPromptBeforeItsFirstStep(@TempDir Path tmp) {
        TarpoConfig c = TrainerTestSupport.config("tarpo", false); // 8 completion tokens
        Path run = tmp.resolve("run");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TarpoTrainer(c, RlTestModels.model(1),
                problemsWithALongOne(), encoderWithOneOf(CONTEXT - 7), WeightedRewards.of(TrainerTestSupport.D_FRACTION),
                RlTestModels.text(), run));
        assertNames(e, "training data", "long (121 tokens)", "context of 128", "max_completion_length");
        assertFalse(Files.exists(run), "nothing written");
    }

    @Test
    void aPromptThatJustFitsTrains(@TempDir Path tmp) throws Exception {
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        c.maxSteps = 1;
        c.promptsPerStep = 7; // every problem, the long one included
        new TarpoTrainer(c, RlTestModels.model(1), problemsWithALongOne(), encoderWithOneOf(CONTEXT - 8),
                WeightedRewards.of(TrainerTestSupport.D_FRACTION), RlTestModels.text(), tmp).train();
    }

    @Test
    void theRolloutAndTheEvaluatorRejectItToo() {
        var policy = RlTestModels.policy(RlTestModels.model(1), LatentMode.TARPO, 0.0);
        MixedRollout rollout = new MixedRollout(policy, RlTestModels.rollout(2, 8, "@@"), RlTestModels.text());
        int[] tooLong = new int[CONTEXT - 7];
        Arrays.fill(tooLong, 5);
        // used to fail inside the rotary gather at position 128
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> rollout.generate(List.of(new int[]{1, 5}, tooLong), new Rng(1)));
        assertNames(e, "rollout", "prompt 1", "121 tokens", "context is 128");
        e = assertThrows(IllegalArgumentException.class, () -> rollout.generate(List.of(new int[]{1, RlTestModels.VOCAB}), new Rng(1)));
        assertNames(e, "token id 31", "vocabulary");

        Evaluator evaluator = new Evaluator(policy, RlTestModels.rollout(2, 8, "@@"), RlTestModels.text(), 2);
        e = assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate("toy", problemsWithALongOne(),
                encoderWithOneOf(CONTEXT - 7), TrainerTestSupport.D_FRACTION, 1, null));
        assertNames(e, "toy", "long (121 tokens)");
    }

    @Test
    void anSftExampleLongerThanTheContextIsRejected() {
        CausalLm model = RlTestModels.model(1);
        SftTrainer sft = new SftTrainer(model, new SftConfig(2, 1e-3, 0, 0.0, 0.9, 0.99, 1.0, java.util.Set.of(0, 1)), 1);
        int[] prompt = new int[CONTEXT - 2];
        Arrays.fill(prompt, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sft.step(List.of(new SftExample(new int[]{1, 5}, new int[]{6, 2}), new SftExample(prompt, new int[]{6, 7, 2}))));
        assertNames(e, "sequence 1", "129 positions", "context is 128");
    }

    @Test
    void aStepBeyondTheMemoryLimitIsRefusedBeforeAllocatingNamingTheKey(@TempDir Path tmp) {
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        c.promptsPerStep = 1_000_000;               // 4M rows in one forward/backward pass: hundreds of GiB
        c.perDeviceTrainBatchSize = 4_000_000;
        Path run = tmp.resolve("run");
        MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class,
                () -> TrainerTestSupport.trainer(c, RlTestModels.model(1), run));
        assertNames(e, "micro-batches of 4000000 rows", "GiB", "maxphysicalbytes", "per_device_train_batch_size");
        assertTrue(e.estimateBytes() > e.limitBytes());
        assertFalse(Files.exists(run), "nothing written");
    }

    @Test
    void unsetBatchSizesBecomeTheLargestThatFit() {
        TarpoConfig c = TrainerTestSupport.config("tarpo", false);
        c.promptsPerStep = 1_000_000;
        CausalLm model = RlTestModels.model(1);
        TarpoTrainer.Batching b = TarpoTrainer.planMemory(c, model, TrainableParameters.select(model.parameters(), false), 3);
        assertTrue(b.microBatchRows() < 4_000_000 && b.microBatchRows() >= 1, "micro-batch " + b.microBatchRows());
        assertTrue(b.plan().fits(org.tarpo4j.models.memory.MemoryPlan.limitBytes()), b.plan().table());
        c.promptsPerStep = 2;                       // 8 rows fit at once: one pass, one rollout batch
        TarpoTrainer.Batching all = TarpoTrainer.planMemory(c, model, TrainableParameters.select(model.parameters(), false), 3);
        assertEquals(8, all.microBatchRows());
        assertEquals(8, all.rolloutRows());
    }
}

package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.reward.RewardException;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.reward.WeightedRewards;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A user's reward that throws or returns a non-finite value stops training with an error naming it and the sample. */
class RewardFailureTest {
    private static final int FAILING_CALL = 8 + 6; // step 2 (8 completions a step), row 6 = prompt 1, generation 2

    private static List<Problem> problems() {
        List<Problem> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) out.add(new Problem("p" + i, "prompt " + i, "gold of p" + i, null));
        return out;
    }

    @Test
    void aThrowingOrNonFiniteRewardNamesTheRewardStepAndSampleAndChangesNoWeight(@TempDir Path tmp) throws Exception {
        for (String fault : List.of("throws", "nan", "infinity")) {
            TarpoConfig c = TrainerTestSupport.config("tarpo", false);
            AtomicInteger calls = new AtomicInteger();
            AtomicReference<String> goldAtFailure = new AtomicReference<>();
            RewardFunction flaky = RewardFunction.of("flaky", (completion, gold) -> {
                if (calls.getAndIncrement() != FAILING_CALL) return completion.length();
                goldAtFailure.set(gold);
                return switch (fault) {
                    case "throws" -> throw new ArithmeticException("/ by zero");
                    case "nan" -> Double.NaN;
                    default -> Double.NEGATIVE_INFINITY;
                };
            });
            CausalLm model = RlTestModels.model(8);
            TarpoTrainer trainer = new TarpoTrainer(c, model, problems(), TrainerTestSupport.encoder(), WeightedRewards.of(flaky),
                    RlTestModels.text(), tmp.resolve(fault));
            trainer.trainStep();
            Map<String, INDArray> before = TrainerTestSupport.snapshot(model);

            RewardException e = assertThrows(RewardException.class, trainer::trainStep, fault);
            String problemId = goldAtFailure.get().substring("gold of ".length());
            assertEquals(new RewardException.Sample(2, 1, problemId, 2), e.sample(), fault);
            assertEquals("flaky", e.reward());
            String what = switch (fault) {
                case "throws" -> "threw java.lang.ArithmeticException: / by zero";
                case "nan" -> "returned NaN";
                default -> "returned -Infinity";
            };
            assertEquals("reward 'flaky' " + what + " at training step 2, prompt 1 (problem \"" + problemId + "\"), generation 2",
                    e.getMessage());
            assertEquals(1, trainer.step(), "the failed step is not counted");
            before.forEach((k, v) -> assertEquals(v, model.parameters().get(k), fault + ": " + k + " changed"));
        }
    }
}

package org.tarpo4j.rl.eval;

import org.junit.jupiter.api.Test;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.reward.RewardException;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.rollout.RolloutConfig;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {
    /** Correct iff the completion contains a 'd'. */
    private static final RewardFunction HAS_D = new RewardFunction() {
        @Override public String name() { return "has_d"; }
        @Override public double score(String completion, String gold) { return completion.indexOf('d') >= 0 ? 1 : 0; }
    };

    @Test
    void aggregatesMatchARecountOfTheSampledCompletions() {
        var policy = RlTestModels.policy(RlTestModels.model(7), LatentMode.TARPO, 1.0);
        RolloutConfig rc = RlTestModels.rollout(6, 10, "@@");
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < 5; i++) problems.add(new Problem("q" + i, "q" + i, "0", null));
        List<Completion> seen = new ArrayList<>();
        EvalResult r = new Evaluator(policy, rc, RlTestModels.text(), 2).evaluate("toy", problems,
                p -> new int[]{1, 5 + Integer.parseInt(p.id().substring(1))}, HAS_D, 3, seen::add);

        assertEquals(30, seen.size());
        double acc = 0, pass = 0, tokens = 0, soft = 0;
        for (int i = 0; i < 5; i++) {
            int c = 0;
            for (Completion x : seen.subList(i * 6, (i + 1) * 6)) c += HAS_D.score(RlTestModels.text().decode(x.tokens()), "") > 0 ? 1 : 0;
            acc += c / 6.0 / 5;
            pass += (c > 0 ? 1.0 : 0.0) / 5;
            assertEquals(c, r.perProblem().get("q" + i));
        }
        for (Completion x : seen) {
            tokens += x.length() / 30.0;
            soft += x.softSteps();
        }
        assertEquals(acc, r.avgAtK(), 1e-12);
        assertEquals(pass, r.passAtK().get(6), 1e-12);
        assertEquals(tokens, r.meanTokens(), 1e-9);
        assertEquals(soft / (tokens * 30), r.softRatio(), 1e-9);
        assertTrue(r.passAtK().get(1) <= r.passAtK().get(2) && r.passAtK().get(2) <= r.passAtK().get(6));
        assertEquals(r.avgAtK(), r.passAtK().get(1), 1e-12); // pass@1 is the mean accuracy
        assertTrue(r.table().contains("toy"));
    }

    @Test
    void aNonFiniteRewardNamesTheProblemAndTheSample() {
        var policy = RlTestModels.policy(RlTestModels.model(7), LatentMode.TARPO, 1.0);
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < 5; i++) problems.add(new Problem("q" + i, "q" + i, "0", null));
        int[] calls = {0};
        RewardFunction nanAt = RewardFunction.of("ratio", (c, g) -> calls[0]++ == 3 * 6 + 4 ? Double.NaN : 0.0);
        var e = assertThrows(RewardException.class, () -> new Evaluator(policy, RlTestModels.rollout(6, 10, "@@"), RlTestModels.text(), 2)
                .evaluate("toy", problems, p -> new int[]{1, 5 + Integer.parseInt(p.id().substring(1))}, nanAt, 3, null));
        assertEquals(RewardException.Sample.evaluation(3, "q3", 4), e.sample());
        assertEquals("reward 'ratio' returned NaN at evaluation, problem 3 (\"q3\"), sample 4", e.getMessage());
    }
}

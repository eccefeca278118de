package org.tarpo4j.rl.reward;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reward written as a lambda, and what a failing one reports. */
class CustomRewardTest {
    private static final RewardException.Sample SAMPLE = RewardException.Sample.training(3, 1, "p4", 2);

    @Test
    void aLambdaWithANameIsARewardFunction() {
        RewardFunction brevity = RewardFunction.of("brevity", (completion, gold) -> completion.length() <= 8 ? 1.0 : 0.0);
        assertEquals("brevity", brevity.name());
        assertEquals(1.0, brevity.checkedScore("#### 12", "12", SAMPLE));

        WeightedRewards sum = new WeightedRewards(List.of(new WeightedRewards.Term(new Gsm8kReward(), 1.0),
                new WeightedRewards.Term(brevity, 0.25)));
        assertEquals(new WeightedRewards.Scores(1.25, Map.of("gsm8k", 1.0, "brevity", 1.0)), sum.scoreAll("#### 12", "12", SAMPLE));
        assertEquals(new WeightedRewards.Scores(1.0, Map.of("gsm8k", 1.0, "brevity", 0.0)), sum.scoreAll("so #### 12", "12", SAMPLE));
        assertEquals(new WeightedRewards.Scores(0.25, Map.of("gsm8k", 0.0, "brevity", 1.0)), sum.scoreAll("#### 13", "12", SAMPLE));
    }

    @Test
    void aNameMustBeUsableAsAMetricKey() {
        for (String bad : List.of("", "two words", "a/b")) {
            var e = assertThrows(IllegalArgumentException.class, () -> RewardFunction.of(bad, (c, g) -> 0));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void aThrowingRewardIsNamedWithTheStepAndTheSample() {
        IllegalStateException boom = new IllegalStateException("no parser for this answer");
        RewardFunction parser = RewardFunction.of("my_parser", (c, g) -> { throw boom; });
        WeightedRewards sum = new WeightedRewards(List.of(new WeightedRewards.Term(new FormatReward(), 1.0),
                new WeightedRewards.Term(parser, 1.0)));
        RewardException e = assertThrows(RewardException.class, () -> sum.scoreAll("#### 1", "1", SAMPLE));
        assertEquals("my_parser", e.reward(), "the term that threw, not the sum");
        assertEquals(SAMPLE, e.sample());
        assertSame(boom, e.getCause());
        assertEquals("reward 'my_parser' threw java.lang.IllegalStateException: no parser for this answer at training step 3, "
                + "prompt 1 (problem \"p4\"), generation 2", e.getMessage());
        // the same through the evaluator's entry point (a plain RewardFunction that happens to be a sum)
        RewardException viaSum = assertThrows(RewardException.class, () -> sum.checkedScore("#### 1", "1", SAMPLE));
        assertEquals("my_parser", viaSum.reward());
    }

    @Test
    void nonFiniteScoresAreRefusedWithTheirValue() {
        for (double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            RewardFunction f = RewardFunction.of("ratio", (c, g) -> bad);
            RewardException e = assertThrows(RewardException.class,
                    () -> f.checkedScore("x", "y", RewardException.Sample.evaluation(5, "test.jsonl:9", 3)));
            assertEquals("reward 'ratio' returned " + bad + " at evaluation, problem 5 (\"test.jsonl:9\"), sample 3", e.getMessage());
            assertNull(e.getCause());
            assertEquals(0, e.sample().step());
        }
    }

    @Test
    void finiteScoresWhoseWeightedSumOverflowsAreRefused() {
        RewardFunction huge = RewardFunction.of("huge", (c, g) -> Double.MAX_VALUE);
        WeightedRewards sum = new WeightedRewards(List.of(new WeightedRewards.Term(huge, 2.0)));
        RewardException e = assertThrows(RewardException.class, () -> sum.scoreAll("x", "y", SAMPLE));
        assertEquals(WeightedRewards.NAME, e.reward());
        assertTrue(e.getMessage().contains("summed to Infinity"), e.getMessage());
        assertEquals(Double.POSITIVE_INFINITY, sum.scoreAll("x", "y").total(), "unchecked scoring leaves it to the caller");
    }
}

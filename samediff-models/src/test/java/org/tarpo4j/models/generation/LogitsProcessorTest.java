package org.tarpo4j.models.generation;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogitsProcessorTest {
    private static final float[] LOGITS = {2.0f, 1.0f, 0.0f, 3.0f, -1.0f};

    @Test
    void temperatureScalesLogitsBeforeSoftmax() {
        TokenDistribution d = new LogitsProcessor(SamplingConfig.sample(0.5, 0, 1.0), 5, Set.of()).process(LOGITS);
        assertArrayEquals(new int[]{3, 0, 1, 2, 4}, d.ids());
        double z = Math.exp(6) + Math.exp(4) + Math.exp(2) + Math.exp(0) + Math.exp(-2);
        assertEquals(Math.exp(6) / z, d.probs()[0], 1e-12);
        assertEquals(Math.exp(-2) / z, d.probs()[4], 1e-12);
    }

    @Test
    void topKKeepsTheKLargestAndRenormalises() {
        TokenDistribution d = new LogitsProcessor(SamplingConfig.sample(1.0, 2, 1.0), 5, Set.of()).process(LOGITS);
        assertArrayEquals(new int[]{3, 0}, d.ids());
        assertEquals(Math.exp(3) / (Math.exp(3) + Math.exp(2)), d.probs()[0], 1e-12);
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities at T=1: .6364 .2341 .0861 .0317 .0117 -> p=0.8 keeps the first two (cumulative .870)
        TokenDistribution d = new LogitsProcessor(SamplingConfig.sample(1.0, 0, 0.8), 5, Set.of()).process(LOGITS);
        assertArrayEquals(new int[]{3, 0}, d.ids());
        assertEquals(1.0, d.probs()[0] + d.probs()[1], 1e-12);
    }

    @Test
    void bannedIdsAreNeverCandidates() {
        TokenDistribution d = new LogitsProcessor(SamplingConfig.sample(1.0, 0, 1.0), 5, Set.of(3, 4)).process(LOGITS);
        assertArrayEquals(new int[]{0, 1, 2}, d.ids());
        assertEquals(0, new LogitsProcessor(SamplingConfig.greedyDecoding(), 5, Set.of(3)).process(LOGITS).argmax());
    }

    @Test
    void sampleFrequenciesFollowTheProbabilities() {
        TokenDistribution d = new TokenDistribution(new int[]{7, 8, 9}, new double[]{0.2, 0.5, 0.3});
        Rng rng = new Rng(42);
        int[] counts = new int[3];
        for (int i = 0; i < 20000; i++) counts[d.sample(rng) - 7]++;
        assertEquals(0.2, counts[0] / 20000.0, 0.01);
        assertEquals(0.5, counts[1] / 20000.0, 0.01);
        assertEquals(0.3, counts[2] / 20000.0, 0.01);
    }

    @Test
    void softInputWeightsAreTheRenormalisedTopEntries() {
        TokenDistribution d = new TokenDistribution(new int[]{7, 8, 9}, new double[]{0.5, 0.3, 0.2});
        TokenDistribution top = d.top(2, true);
        assertArrayEquals(new int[]{7, 8}, top.ids());
        assertArrayEquals(new double[]{0.625, 0.375}, top.probs(), 1e-12);
        assertArrayEquals(new double[]{0.5, 0.3}, d.top(2, false).probs(), 1e-12);
    }

    @Test
    void rejectsBadSettingsAndNonFiniteLogits() {
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.sample(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.sample(1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> SamplingConfig.sample(1, 0, 1.5));
        assertThrows(IllegalStateException.class, () -> new LogitsProcessor(SamplingConfig.sample(1, 0, 1), 2, Set.of())
                .process(new float[]{Float.NaN, 1}));
    }
}

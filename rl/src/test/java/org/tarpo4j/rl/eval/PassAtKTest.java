package org.tarpo4j.rl.eval;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PassAtKTest {
    @Test
    void unbiasedEstimatorMatchesTheCombinatorialFormula() {
        assertEquals(0.4, PassAtK.unbiased(5, 2, 1), 1e-12);
        assertEquals(1 - 3.0 / 10, PassAtK.unbiased(5, 2, 2), 1e-12);     // 1 - C(3,2)/C(5,2)
        assertEquals(1 - 1.0 / 10, PassAtK.unbiased(5, 2, 3), 1e-12);     // 1 - C(3,3)/C(5,3)
        assertEquals(1.0, PassAtK.unbiased(5, 2, 4), 1e-12);
        assertEquals(0.0, PassAtK.unbiased(8, 0, 8), 1e-12);
        assertEquals(1 - (28.0 / 32) * (27.0 / 31) * (26.0 / 30) * (25.0 / 29), PassAtK.unbiased(32, 4, 4), 1e-12);
    }

    @Test
    void averageIsTheShareOfCorrectSamples() {
        assertEquals(0.375, PassAtK.average(8, 3), 0.0);
        assertEquals(0.0, PassAtK.average(4, 0), 0.0);
    }

    @Test
    void majorityIsTheCorrectnessOfTheMostVotedAnswer() {
        // "7" twice (right), "9" once (wrong), one sample without an answer: the majority is right
        assertEquals(1.0, PassAtK.majority(Arrays.asList("7", "9", null, "7"), List.of(true, false, false, true)), 0.0);
        // the wrong answer outvotes the right one
        assertEquals(0.0, PassAtK.majority(List.of("9", "7", "9"), List.of(false, true, false)), 0.0);
        // a tie: the first key to reach the count wins ("9" reaches 1 first, "7" never gets more)
        assertEquals(0.0, PassAtK.majority(List.of("9", "7"), List.of(false, true)), 0.0);
        assertEquals(1.0, PassAtK.majority(List.of("7", "9"), List.of(true, false)), 0.0);
        // no answer at all: no majority, not correct
        assertEquals(0.0, PassAtK.majority(Arrays.asList(null, null), List.of(true, true)), 0.0);
    }

    @Test
    void ninetyFivePercentHalfWidth() {
        // values {0, 1, 1, 0}: sd (n-1) = 0.57735, se = 0.288675, x1.96 = 0.5658
        assertEquals(1.959964 * Math.sqrt(1.0 / 3) / 2, PassAtK.halfWidth95(new double[]{0, 1, 1, 0}), 1e-9);
    }
}

package org.tarpo4j.examples.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusteredBootstrapTest {
    private static final int B = 4000;

    @Test
    void type7QuantilesByHand() {
        double[] x = {1, 2, 3, 4, 5};
        assertEquals(2.0, ClusteredBootstrap.quantile(x, 0.25), 1e-12);   // h = 1
        assertEquals(1.4, ClusteredBootstrap.quantile(x, 0.1), 1e-12);    // h = 0.4
        assertEquals(4.9, ClusteredBootstrap.quantile(x, 0.975), 1e-12);  // h = 3.9
        assertEquals(5.0, ClusteredBootstrap.quantile(x, 1.0), 1e-12);
        assertEquals(7.0, ClusteredBootstrap.quantile(new double[]{7}, 0.025), 0.0);
        assertTrue(Double.isNaN(ClusteredBootstrap.quantile(new double[0], 0.5)));
    }

    @Test
    void twoProblemsOfOneSeed() {
        // units 1/4 and 3/4: a resample is {A,A} (ratio 0.25, probability ¼), {A,B} (0.5, ½) or {B,B} (0.75, ¼), so the
        // 2.5% and 97.5% points are 0.25 and 0.75
        double[][][] num = {{{1}, {3}}}, den = {{{4}, {4}}};
        ClusteredBootstrap.Ratio r = ClusteredBootstrap.ratios(num, den, B, 1)[0];
        assertEquals(0.5, r.ratio(), 1e-12);
        assertEquals(0.25, r.low(), 1e-12);
        assertEquals(0.75, r.high(), 1e-12);
        assertEquals(8.0, r.denominator());
    }

    @Test
    void seedsAreResampledNotOnlyProblems() {
        // every problem of seed 0 has ratio 0, every one of seed 1 ratio 1: problems alone would give a tight interval
        // around 0.5; resampling seeds gives {0,0} → 0, {0,1} → 0.5, {1,1} → 1, so [0, 1]
        double[][][] num = {{{0}, {0}, {0}}, {{2}, {2}, {2}}}, den = {{{2}, {2}, {2}}, {{2}, {2}, {2}}};
        ClusteredBootstrap.Ratio r = ClusteredBootstrap.ratios(num, den, B, 3)[0];
        assertEquals(0.5, r.ratio(), 1e-12);
        assertEquals(0.0, r.low(), 1e-12);
        assertEquals(1.0, r.high(), 1e-12);
    }

    @Test
    void aRatioOfSumsNotAMeanOfRatios() {
        // units 1/1 and 0/3: 1/4 overall (the mean of the ratios would be 1/2); resamples give 1, 1/4 or 0
        ClusteredBootstrap.Ratio r = ClusteredBootstrap.ratios(new double[][][]{{{1}, {0}}}, new double[][][]{{{1}, {3}}}, B, 5)[0];
        assertEquals(0.25, r.ratio(), 1e-12);
        assertEquals(0.0, r.low(), 1e-12);
        assertEquals(1.0, r.high(), 1e-12);
    }

    @Test
    void manyProblemsAgreeWithTheNormalApproximation() {
        // 400 problems, 100 of them correct: p = 0.25, 0.25 ± 1.96·√(0.25·0.75/400) = [0.2076, 0.2924]
        double[][][] num = new double[1][400][1], den = new double[1][400][1];
        for (int u = 0; u < 400; u++) {
            num[0][u][0] = u % 4 == 0 ? 1 : 0;
            den[0][u][0] = 1;
        }
        ClusteredBootstrap.Ratio r = ClusteredBootstrap.ratios(num, den, B, 11)[0];
        assertEquals(0.25, r.ratio(), 1e-12);
        assertEquals(0.2076, r.low(), 0.006);
        assertEquals(0.2924, r.high(), 0.006);
    }

    @Test
    void groupsShareResamplesAndEmptyResamplesAreLeftOut() {
        // group 1 occurs in unit A only: resamples without A give it no value, not a zero
        double[][][] num = {{{1, 2}, {1, 0}}}, den = {{{2, 4}, {2, 0}}};
        ClusteredBootstrap.Ratio[] r = ClusteredBootstrap.ratios(num, den, B, 7);
        assertEquals(0.5, r[0].ratio(), 1e-12);
        assertEquals(0.5, r[0].low(), 1e-12);
        assertEquals(0.5, r[0].high(), 1e-12);
        assertEquals(0.5, r[1].ratio(), 1e-12);
        assertEquals(0.5, r[1].low(), 1e-12);
        assertEquals(0.5, r[1].high(), 1e-12);
    }

    @Test
    void seededAndValidated() {
        double[][][] num = {{{1}, {0}, {2}, {5}}, {{0}, {1}, {1}, {3}}}, den = {{{3}, {3}, {3}, {6}}, {{3}, {3}, {3}, {6}}};
        ClusteredBootstrap.Ratio a = ClusteredBootstrap.ratios(num, den, 500, 42)[0], b = ClusteredBootstrap.ratios(num, den, 500, 42)[0];
        assertEquals(a, b, "the same seed gives the same interval");
        assertThrows(IllegalArgumentException.class, () -> ClusteredBootstrap.ratios(num, new double[][][]{{{1}}}, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> ClusteredBootstrap.ratios(num, den, 0, 0));
    }
}

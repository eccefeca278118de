package org.tarpo4j.rl.core;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.gradcheck.FiniteDifferenceCheck;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyObjectiveTest {
    private static INDArray eval(java.util.function.Function<SameDiff, SDVariable> f) {
        SameDiff sd = SameDiff.create();
        return f.apply(sd).eval();
    }

    private static SDVariable c(SameDiff sd, double[][] v) { return sd.constant(Nd4j.createFromArray(v)); }

    @Test
    void clippedSurrogateTakesTheSmallerOfRatioAndClippedRatioTimesAdvantage() {
        // ratios: e^0 = 1, e^0.5 = 1.6487 (clipped to 1.2), e^-0.5 = .6065 (clipped to .8)
        double[][] logp = {{0, 0.5, -0.5}}, old = {{0, 0, 0}};
        INDArray pos = eval(sd -> PolicyObjective.clippedSurrogate(sd, c(sd, logp), c(sd, old), c(sd, new double[][]{{2}}), 0.2, 0.2));
        assertArrayEquals(new double[]{2, 2 * 1.2, 2 * Math.exp(-0.5)}, pos.toDoubleVector(), 1e-12);
        INDArray neg = eval(sd -> PolicyObjective.clippedSurrogate(sd, c(sd, logp), c(sd, old), c(sd, new double[][]{{-1}}), 0.2, 0.2));
        assertArrayEquals(new double[]{-1, -Math.exp(0.5), -0.8}, neg.toDoubleVector(), 1e-12);
        INDArray high = eval(sd -> PolicyObjective.clippedSurrogate(sd, c(sd, logp), c(sd, old), c(sd, new double[][]{{1}}), 0.2, 0.28));
        assertEquals(1.28, high.getDouble(0, 1), 1e-12); // clip-higher
    }

    @Test
    void k3IsNonNegativeAndZeroAtEquality() {
        INDArray k = eval(sd -> PolicyObjective.k3(sd, c(sd, new double[][]{{-1, -2, -0.5}}), c(sd, new double[][]{{-1, -1, -1}})));
        assertArrayEquals(new double[]{0, Math.exp(-1) + 1 - 1, Math.exp(0.5) - 0.5 - 1}, k.toDoubleVector(), 1e-12);
    }

    @Test
    void aggregationVariants() {
        double[][] x = {{1, 2, 3}, {4, 0, 0}}, m = {{1, 1, 1}, {1, 0, 0}};
        // grpo: mean(6/3, 4/1) = 3 -> -3; bnpo/dapo: 10/4 -> -2.5; dr_grpo: 10/(2*5) = 1 -> -1
        assertEquals(-3.0, aggregate(x, m, LossType.GRPO), 1e-8);
        assertEquals(-2.5, aggregate(x, m, LossType.BNPO), 1e-8);
        assertEquals(-2.5, aggregate(x, m, LossType.DAPO), 1e-8);
        assertEquals(-1.0, aggregate(x, m, LossType.DR_GRPO), 1e-8);
    }

    @Test
    void aRowWithNoTokensCountsAsZeroInGrpoAndNothingElsewhere() {
        double[][] x = {{1, 2, 3}, {9, 9, 9}}, m = {{1, 1, 1}, {0, 0, 0}};
        assertEquals(-1.0, aggregate(x, m, LossType.GRPO), 1e-8);     // mean(6/3, 0)
        assertEquals(-2.0, aggregate(x, m, LossType.BNPO), 1e-8);     // 6/3
        assertArrayEquals(new double[]{0, 0}, LossAggregation.rowWeights(LossType.BNPO, new int[]{0, 0}, 5), 0);
    }

    /** The weighted loss with the weights of {@link LossAggregation}, evaluated in a graph. */
    private static double aggregate(double[][] perToken, double[][] mask, LossType type) {
        int[] tokens = new int[mask.length];
        for (int i = 0; i < mask.length; i++) for (double v : mask[i]) tokens[i] += (int) v;
        double[] rowWeight = LossAggregation.rowWeights(type, tokens, 5);
        double[][] w = new double[mask.length][];
        for (int i = 0; i < mask.length; i++) {
            w[i] = new double[mask[i].length];
            for (int t = 0; t < mask[i].length; t++) w[i][t] = mask[i][t] * rowWeight[i];
        }
        return eval(sd -> PolicyObjective.weightedLoss(c(sd, perToken), c(sd, w))).getDouble(0);
    }

    @Test
    void clipIndicatorCountsOnlyTheBindingSide() {
        double[][] logp = {{0.5, 0.5, -0.5, -0.5}}, old = {{0, 0, 0, 0}};
        INDArray ind = eval(sd -> PolicyObjective.clippedIndicator(sd, c(sd, logp), c(sd, old),
                c(sd, new double[][]{{1, -1, -1, 1}}), 0.2, 0.2));
        assertArrayEquals(new double[]{1, 0, 1, 0}, ind.toDoubleVector(), 0);
        // ratios e^0.5 = 1.65 (above 1.2) and e^-0.5 = 0.61 (below 0.8): high binds with A > 0, low with A < 0
        INDArray low = eval(sd -> PolicyObjective.clippedLow(sd, c(sd, logp), c(sd, old), c(sd, new double[][]{{1, -1, -1, 1}}), 0.2));
        INDArray high = eval(sd -> PolicyObjective.clippedHigh(sd, c(sd, logp), c(sd, old), c(sd, new double[][]{{1, -1, -1, 1}}), 0.2));
        assertArrayEquals(new double[]{0, 0, 1, 0}, low.toDoubleVector(), 0);
        assertArrayEquals(new double[]{1, 0, 0, 0}, high.toDoubleVector(), 0);
    }

    @Test
    void gradientInsideTheClipRangeIsOnceNotTwice() {
        // at ratio 1 (one update per rollout) the surrogate is ρA and its gradient in logp is A, exactly
        Graph g = Graph.create(new Parameters(DataType.DOUBLE, 3));
        SDVariable logp = g.parameter("logp", Init.constant(-1.0), 1, 1);
        SameDiff sd = g.sd();
        PolicyObjective.clippedSurrogate(sd, logp, sd.constant(Nd4j.createFromArray(new double[][]{{-1.0}})),
                sd.constant(Nd4j.createFromArray(new double[][]{{0.7}})), 0.2, 0.2).sum().rename("loss");
        INDArray grad = org.tarpo4j.layers.core.Gradients.compute(g, "loss", Map.of(), List.of(), List.of("logp")).gradients().get("logp");
        assertEquals(0.7, grad.getDouble(0), 1e-12);
    }

    @Test
    void objectiveGradientsMatchFiniteDifferences() {
        Graph g = Graph.create(new Parameters(DataType.DOUBLE, 3));
        SameDiff sd = g.sd();
        // logp from a parameter, so the check covers exp, clip, min, k3 and the masked aggregation
        SDVariable logp = g.parameter("logp", Init.uniform(0.4), 2, 3).sub(1.0);
        SDVariable old = sd.constant(Nd4j.createFromArray(new double[][]{{-1.1, -0.9, -1.3}, {-0.8, -1.0, -1.2}}));
        SDVariable ref = sd.constant(Nd4j.createFromArray(new double[][]{{-1.0, -1.4, -0.7}, {-1.2, -0.6, -1.0}}));
        SDVariable adv = sd.constant(Nd4j.createFromArray(new double[][]{{0.7}, {-1.3}}));
        SDVariable mask = sd.constant(Nd4j.createFromArray(new double[][]{{1, 1, 1}, {1, 1, 0}}));
        SDVariable perToken = PolicyObjective.clippedSurrogate(sd, logp, old, adv, 0.2, 0.28)
                .sub(PolicyObjective.k3(sd, ref, logp).mul(0.05));
        double[] rowWeight = LossAggregation.rowWeights(LossType.GRPO, new int[]{3, 2}, 3);
        PolicyObjective.weightedLoss(perToken, mask.mul(sd.constant(Nd4j.createFromArray(new double[][]{{rowWeight[0]}, {rowWeight[1]}}))))
                .rename("loss");
        var r = FiniteDifferenceCheck.check(g, Map.of(), "loss", List.of("logp"), 6, 1e-7, 1e-5, 1e-9, 1);
        assertTrue(r.passed(), r.toString());
    }
}

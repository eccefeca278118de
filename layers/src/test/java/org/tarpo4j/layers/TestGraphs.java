package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.gradcheck.FiniteDifferenceCheck;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers shared by the layer tests: double-precision graphs, random inputs, and the finite-difference assertion. */
final class TestGraphs {
    private TestGraphs() {}

    static Graph doubleGraph(long seed) {
        return Graph.create(new Parameters(DataType.DOUBLE, seed));
    }

    static INDArray randn(long seed, long... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[(int) org.tarpo4j.layers.core.Init.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextDouble() * 2 - 1;
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    /** A scalar loss {@code sum(out · r)} with a fixed random r, so every output element matters. */
    static SDVariable weightedSumLoss(Graph g, SDVariable out, long[] shape, long seed) {
        SDVariable r = g.sd().constant("loss_weights", randn(seed, shape));
        return g.sd().identity("loss", out.mul(r).sum());
    }

    /** Every parameter of the graph passes a central finite-difference check against the analytic gradient. */
    static void assertGradientsMatch(Graph g, Map<String, INDArray> placeholders) {
        var result = FiniteDifferenceCheck.check(g, placeholders, "loss", g.parameters().asMap().keySet(),
                12, 1e-6, 1e-5, 1e-9, 7);
        assertTrue(result.passed(), result.toString());
        assertTrue(result.checked() > 0);
    }
}

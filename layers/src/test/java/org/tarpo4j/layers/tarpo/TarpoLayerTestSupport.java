package org.tarpo4j.layers.tarpo;

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

final class TarpoLayerTestSupport {
    private TarpoLayerTestSupport() {}

    static Graph doubleGraph(long seed) { return Graph.create(new Parameters(DataType.DOUBLE, seed)); }

    static INDArray uniform(long seed, long... shape) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[(int) org.tarpo4j.layers.core.Init.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextDouble() * 2 - 1;
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    static void lossOn(Graph g, SDVariable out, long[] shape) {
        g.sd().identity("loss", out.mul(g.sd().constant("r", uniform(99, shape))).sum());
    }

    static void assertGradientsMatch(Graph g, Map<String, INDArray> ph) {
        var r = FiniteDifferenceCheck.check(g, ph, "loss", g.parameters().asMap().keySet(), 16, 1e-6, 1e-5, 1e-9, 3);
        assertTrue(r.passed(), r.toString());
    }
}

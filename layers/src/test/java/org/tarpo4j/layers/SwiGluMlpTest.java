package org.tarpo4j.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Graph;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SwiGluMlpTest {
    @Test
    void computesDownOfSiluGateTimesUp() {
        Graph g = TestGraphs.doubleGraph(1);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 3);
        SDVariable y = new SwiGluMlp(g, "mlp", 3, 4, false, null).forward(x);
        INDArray in = TestGraphs.randn(9, 2, 3);
        INDArray out = y.eval(Map.of("x", in));
        INDArray gate = g.parameters().get("mlp.gate_proj.weight"), up = g.parameters().get("mlp.up_proj.weight"),
                down = g.parameters().get("mlp.down_proj.weight");
        for (int n = 0; n < 2; n++) {
            double[] act = new double[4];
            for (int j = 0; j < 4; j++) {
                double a = 0, b = 0;
                for (int i = 0; i < 3; i++) {
                    a += in.getDouble(n, i) * gate.getDouble(j, i);
                    b += in.getDouble(n, i) * up.getDouble(j, i);
                }
                act[j] = a / (1 + Math.exp(-a)) * b;
            }
            for (int o = 0; o < 3; o++) {
                double e = 0;
                for (int j = 0; j < 4; j++) e += act[j] * down.getDouble(o, j);
                assertEquals(e, out.getDouble(n, o), 1e-12);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Graph g = TestGraphs.doubleGraph(2);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 4);
        // larger weights than the 0.02 default, so silu is exercised away from its linear region
        SDVariable y = new SwiGluMlp(g, "mlp", 4, 6, false, null).forward(x);
        g.parameters().asMap().forEach((k, v) -> v.assign(TestGraphs.randn(k.hashCode(), v.shape())));
        TestGraphs.weightedSumLoss(g, y, new long[]{3, 4}, 4);
        TestGraphs.assertGradientsMatch(g, Map.of("x", TestGraphs.randn(5, 3, 4).muli(2)));
    }
}

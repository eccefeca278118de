package org.tarpo4j.layers.tarpo;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Graph;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HrpoGateMixerTest {
    private static Map<String, INDArray> inputs() {
        return Map.of("tok", Nd4j.createFromArray(new int[][]{{3, 1}, {0, 5}}),
                "ids", Nd4j.createFromArray(new int[][][]{{{0, 2}, {2, 5}}, {{3, 4}, {1, 0}}}),
                "w", Nd4j.createFromArray(new double[][][]{{{0.3, 0.1}, {0.6, 0.2}}, {{0.5, 0.4}, {0.7, 0.05}}}),
                "route", Nd4j.createFromArray(new double[][]{{0, 1}, {1, 1}}));
    }

    private static SDVariable build(Graph g) {
        TokenEmbedding emb = new TokenEmbedding(g, "embed", 6, 4);
        var sd = g.sd();
        return new HrpoGateMixer(g, "gate", emb, 4).mix(sd.placeHolder("tok", DataType.INT32, -1, -1),
                sd.placeHolder("ids", DataType.INT32, -1, -1, -1), sd.placeHolder("w", DataType.DOUBLE, -1, -1, -1),
                sd.placeHolder("route", DataType.DOUBLE, -1, -1), 2);
    }

    @Test
    void lambdaStartsSoThatTheDecayIsBetween099And0999() {
        Graph g = TarpoLayerTestSupport.doubleGraph(1);
        build(g);
        for (double lam : g.parameters().get("gate.lambda").toDoubleVector()) {
            double u = Math.exp(-HrpoGateMixer.C * Math.log1p(Math.exp(-lam)));
            assertTrue(u >= 0.99 && u <= 0.999, "u = " + u);
        }
    }

    @Test
    void unroutedPositionsKeepTheTokenEmbeddingAndRoutedOnesFollowTheFormula() {
        Graph g = TarpoLayerTestSupport.doubleGraph(2);
        INDArray y = build(g).eval(inputs());
        INDArray e = g.parameters().get("embed.weight");
        assertArrayEquals(e.getRow(3).toDoubleVector(), y.getRow(0).toDoubleVector(), 1e-12);
        // row (0, 1): token 1, ids {2, 5}, w {0.6, 0.2}
        double[] et = e.getRow(1).toDoubleVector();
        double n = Math.sqrt(0.36 + 0.04);
        double[] mix = e.getRow(2).mul(0.6 / n).add(e.getRow(5).mul(0.2 / n)).toDoubleVector();
        double[] r = sigmoid(affine(g, "gate.gate_r", et)), i = sigmoid(affine(g, "gate.gate_i", et));
        double[] lam = g.parameters().get("gate.lambda").toDoubleVector();
        for (int d = 0; d < 4; d++) {
            double a = Math.exp(-HrpoGateMixer.C * Math.log1p(Math.exp(-lam[d])) * r[d]);
            double expected = a * et[d] + Math.sqrt(1 - a * a + 1e-8) * i[d] * mix[d];
            assertEquals(expected, y.getDouble(1, d), 1e-10);
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Graph g = TarpoLayerTestSupport.doubleGraph(3);
        SDVariable y = build(g);
        g.parameters().get("gate.gate_r.weight").assign(TarpoLayerTestSupport.uniform(5, 4, 4));
        g.parameters().get("gate.gate_i.weight").assign(TarpoLayerTestSupport.uniform(6, 4, 4));
        g.parameters().get("gate.lambda").assign(TarpoLayerTestSupport.uniform(7, 4).mul(3)); // away from the flat init
        TarpoLayerTestSupport.lossOn(g, y, new long[]{4, 4});
        TarpoLayerTestSupport.assertGradientsMatch(g, inputs());
    }

    private static double[] affine(Graph g, String name, double[] x) {
        INDArray w = g.parameters().get(name + ".weight"), b = g.parameters().get(name + ".bias");
        double[] out = new double[4];
        for (int o = 0; o < 4; o++) {
            out[o] = b.getDouble(o);
            for (int k = 0; k < 4; k++) out[o] += w.getDouble(o, k) * x[k];
        }
        return out;
    }

    private static double[] sigmoid(double[] v) {
        double[] o = new double[v.length];
        for (int k = 0; k < v.length; k++) o[k] = 1 / (1 + Math.exp(-v[k]));
        return o;
    }
}

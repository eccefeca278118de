package org.tarpo4j.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Graph;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RmsNormTest {
    @Test
    void normalisesEachRowByItsRootMeanSquare() {
        Graph g = TestGraphs.doubleGraph(1);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 4);
        RmsNorm norm = new RmsNorm(g, "norm", 4, 1e-6);
        g.parameters().get("norm.weight").assign(org.nd4j.linalg.factory.Nd4j.createFromArray(1.0, 2.0, 0.5, -1.0));
        SDVariable y = norm.forward(x);
        INDArray in = org.nd4j.linalg.factory.Nd4j.createFromArray(new double[][]{{1, 2, 3, 4}, {-2, 0, 0, 2}});
        INDArray out = y.eval(Map.of("x", in));
        double rms0 = Math.sqrt((1 + 4 + 9 + 16) / 4.0 + 1e-6), rms1 = Math.sqrt(8 / 4.0 + 1e-6);
        double[][] expected = {{1 / rms0, 2 * 2 / rms0, 0.5 * 3 / rms0, -4 / rms0}, {-2 / rms1, 0, 0, -2 / rms1}};
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 4; c++) assertEquals(expected[r][c], out.getDouble(r, c), 1e-12);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Graph g = TestGraphs.doubleGraph(2);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 5);
        // a projection before the norm makes the gradient into the norm's input part of the check
        SDVariable h = new Linear(g, "proj", 5, 6, true, null).forward(x);
        SDVariable y = new RmsNorm(g, "norm", 6, 1e-6).forward(h);
        g.parameters().get("norm.weight").assign(TestGraphs.randn(3, 6));
        TestGraphs.weightedSumLoss(g, y, new long[]{3, 6}, 4);
        TestGraphs.assertGradientsMatch(g, Map.of("x", TestGraphs.randn(5, 3, 5)));
    }
}

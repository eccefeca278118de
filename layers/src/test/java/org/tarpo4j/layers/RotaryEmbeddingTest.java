package org.tarpo4j.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RotaryEmbeddingTest {
    @Test
    void llama3ScalingMatchesHuggingFaceFrequencies() {
        // Llama-3.1-8B: theta 5e5, factor 8, low 1, high 4, original 8192; expected values from HF's
        // _compute_llama3_parameters formula evaluated in double precision
        float[] inv = RopeScaling.llama3(8, 1, 4, 8192).inverseFrequencies(128, 500000.0);
        assertEquals(1.0, inv[0], 1e-7);
        assertEquals(0.016560440080994446, inv[20], 1e-8);
        assertEquals(0.0032114459947525913, inv[28], 1e-9);       // high frequency: unchanged
        assertEquals(0.002166570763503359, inv[29], 1e-9);        // medium: smoothed
        assertEquals(0.0005248461609929547, inv[32], 1e-10);
        assertEquals(0.00017850781276799638, inv[34], 1e-10);
        assertEquals(9.556212353964683e-05, inv[35], 1e-11);      // low frequency: divided by 8
        assertEquals(3.068925988914511e-07, inv[63], 1e-13);
    }

    @Test
    void unknownScalingIsRejectedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new RopeScaling("yarn", 4, 0, 0, 0));
        assertEquals(true, e.getMessage().contains("yarn"));
    }

    @Test
    void rotatesHalvesByPositionAngle() {
        Graph g = TestGraphs.doubleGraph(1);
        int d = 6;
        double theta = 100;
        RotaryEmbedding rope = new RotaryEmbedding(g, "rope", d, theta, null, 16);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, -1, -1, d);
        SDVariable pos = g.sd().placeHolder("pos", DataType.INT32, -1, -1);
        SDVariable y = rope.apply(x, rope.tables(pos));
        INDArray in = TestGraphs.randn(3, 2, 1, 3, d);
        int[][] positions = {{0, 5, 9}, {3, 3, 15}};
        INDArray out = y.eval(Map.of("x", in, "pos", Nd4j.createFromArray(positions)));
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++)
                for (int i = 0; i < d / 2; i++) {
                    double angle = positions[b][t] * (double) (float) (1.0 / Math.pow(theta, 2.0 * i / d));
                    double x1 = in.getDouble(b, 0, t, i), x2 = in.getDouble(b, 0, t, i + d / 2);
                    assertEquals(x1 * Math.cos(angle) - x2 * Math.sin(angle), out.getDouble(b, 0, t, i), 1e-6);
                    assertEquals(x2 * Math.cos(angle) + x1 * Math.sin(angle), out.getDouble(b, 0, t, i + d / 2), 1e-6);
                }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Graph g = TestGraphs.doubleGraph(2);
        RotaryEmbedding rope = new RotaryEmbedding(g, "rope", 4, 10000, RopeScaling.linear(2), 8);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 4);
        SDVariable pos = g.sd().placeHolder("pos", DataType.INT32, -1, -1);
        SDVariable h = new Linear(g, "proj", 4, 8, false, null).forward(x)          // [B*T, 2*4]
                .reshape(2, 3, 2, 4).permute(0, 2, 1, 3);                           // [B, H, T, D]
        SDVariable y = rope.apply(h, rope.tables(pos));
        TestGraphs.weightedSumLoss(g, y, new long[]{2, 2, 3, 4}, 3);
        TestGraphs.assertGradientsMatch(g, Map.of("x", TestGraphs.randn(4, 6, 4),
                "pos", Nd4j.createFromArray(new int[][]{{0, 1, 2}, {4, 6, 7}})));
    }

    @Test
    void rowFormEqualsTheHeadFormTimesTheScale() {
        Graph g = TestGraphs.doubleGraph(3);
        int heads = 3, d = 6;
        RotaryEmbedding rope = new RotaryEmbedding(g, "rope", d, 100, RopeScaling.llama3(8, 1, 4, 4), 16);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, heads * d);            // [B*T, H*D]
        SDVariable pos = g.sd().placeHolder("pos", DataType.INT32, -1, -1);
        RotaryEmbedding.Tables t = rope.tables(pos);
        SDVariable heads4 = rope.apply(x.reshape(2, 3, heads, d).permute(0, 2, 1, 3), t).mul(0.5);
        SDVariable viaHeads = heads4.permute(0, 2, 1, 3).reshape(6, heads * d);
        SDVariable viaRows = rope.applyToRows(x, t, heads, 0.5);
        Map<String, INDArray> in = Map.of("x", TestGraphs.randn(5, 6, heads * d),
                "pos", Nd4j.createFromArray(new int[][]{{0, 5, 9}, {3, 3, 15}}));
        INDArray a = viaHeads.eval(in), b = viaRows.eval(in);
        assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-12);
        // the widened tables are built once per (heads, scale) and shared
        assertEquals(rope.applyToRows(x, t, heads, 0.5).eval(in), b);
    }

    @Test
    void rowFormGradientsMatchFiniteDifferences() {
        Graph g = TestGraphs.doubleGraph(4);
        RotaryEmbedding rope = new RotaryEmbedding(g, "rope", 4, 10000, RopeScaling.linear(2), 8);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 4);
        SDVariable pos = g.sd().placeHolder("pos", DataType.INT32, -1, -1);
        SDVariable h = new Linear(g, "proj", 4, 8, false, null).forward(x);           // [B*T, 2*4]
        SDVariable y = rope.applyToRows(h, rope.tables(pos), 2, 0.7);
        TestGraphs.weightedSumLoss(g, y, new long[]{6, 8}, 3);
        TestGraphs.assertGradientsMatch(g, Map.of("x", TestGraphs.randn(4, 6, 4),
                "pos", Nd4j.createFromArray(new int[][]{{0, 1, 2}, {4, 6, 7}})));
    }
}

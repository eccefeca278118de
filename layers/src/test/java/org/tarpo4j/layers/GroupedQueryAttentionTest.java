package org.tarpo4j.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GroupedQueryAttentionTest {
    static final int HIDDEN = 8, HEADS = 4, KV_HEADS = 2, HEAD_DIM = 4;
    static final double THETA = 50;

    /** The layer on placeholders x [B·T, hidden], ids [B, T] (shape only), pos [B, T], mask [B, S], past K/V. */
    private static final class Fixture {
        final Graph g = TestGraphs.doubleGraph(11);
        final SameDiff sd = g.sd();
        final RotaryEmbedding rope = new RotaryEmbedding(g, "rope", HEAD_DIM, THETA, null, 32);
        final GroupedQueryAttention attn = new GroupedQueryAttention(g, "attn", HIDDEN, HEADS, KV_HEADS, HEAD_DIM, true, false, null);
        final GroupedQueryAttention.Output out;

        Fixture() {
            SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, HIDDEN);
            SDVariable ids = sd.placeHolder("ids", DataType.INT32, -1, -1);
            SDVariable pos = sd.placeHolder("pos", DataType.INT32, -1, -1);
            SDVariable mask = sd.placeHolder("mask", DataType.INT32, -1, -1);
            SDVariable pk = sd.placeHolder("pk", DataType.DOUBLE, -1, KV_HEADS, -1, HEAD_DIM);
            SDVariable pv = sd.placeHolder("pv", DataType.DOUBLE, -1, KV_HEADS, -1, HEAD_DIM);
            SDVariable bias = AttentionMask.causalBias(sd, mask, pos, DataType.DOUBLE);
            out = attn.forward(x, sd.shape(ids).castTo(DataType.LONG), rope, rope.tables(pos), bias,
                    new GroupedQueryAttention.Cache(pk, pv, "present_k", "present_v"));
            sd.identity("y", out.hidden());
            // non-trivial biases so the test covers them
            g.parameters().asMap().forEach((k, v) -> v.assign(TestGraphs.randn(k.hashCode(), v.shape()).muli(0.7)));
        }

        Map<String, INDArray> inputs(INDArray x, int[][] pos, int[][] mask, INDArray pk, INDArray pv) {
            Map<String, INDArray> ph = new HashMap<>();
            ph.put("x", x);
            ph.put("ids", Nd4j.zeros(DataType.INT32, pos.length, pos[0].length));
            ph.put("pos", Nd4j.createFromArray(pos));
            ph.put("mask", Nd4j.createFromArray(mask));
            ph.put("pk", pk);
            ph.put("pv", pv);
            return ph;
        }

        INDArray emptyCache(int b) { return Nd4j.zeros(DataType.DOUBLE, b, KV_HEADS, 0, HEAD_DIM); }
    }

    /** Plain loops over HF semantics: causal by index, padded keys invisible, query head h uses KV head h / rep. */
    private static double[] reference(Fixture f, INDArray x, int b, int t, int T, int[][] pos, int[][] mask) {
        Map<String, INDArray> w = f.g.parameters().asMap();
        int rep = HEADS / KV_HEADS;
        double[] merged = new double[HEADS * HEAD_DIM];
        for (int h = 0; h < HEADS; h++) {
            int kvh = h / rep;
            double[] q = rotate(project(w, "attn.q_proj", x.getRow((long) b * T + t), h), pos[b][t]);
            double[] scores = new double[T];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= t; j++) {
                if (mask[b][j] == 0) { scores[j] = Double.NEGATIVE_INFINITY; continue; }
                double[] k = rotate(project(w, "attn.k_proj", x.getRow((long) b * T + j), kvh), pos[b][j]);
                double s = 0;
                for (int d = 0; d < HEAD_DIM; d++) s += q[d] * k[d];
                scores[j] = s / Math.sqrt(HEAD_DIM);
                max = Math.max(max, scores[j]);
            }
            double z = 0;
            for (int j = 0; j <= t; j++) z += mask[b][j] == 0 ? 0 : Math.exp(scores[j] - max);
            for (int j = 0; j <= t; j++) {
                if (mask[b][j] == 0) continue;
                double p = Math.exp(scores[j] - max) / z;
                double[] v = project(w, "attn.v_proj", x.getRow((long) b * T + j), kvh);
                for (int d = 0; d < HEAD_DIM; d++) merged[h * HEAD_DIM + d] += p * v[d];
            }
        }
        INDArray o = w.get("attn.o_proj.weight");
        double[] y = new double[HIDDEN];
        for (int i = 0; i < HIDDEN; i++)
            for (int j = 0; j < merged.length; j++) y[i] += o.getDouble(i, j) * merged[j];
        return y;
    }

    private static double[] project(Map<String, INDArray> w, String name, INDArray xRow, int head) {
        INDArray wt = w.get(name + ".weight"), bias = w.get(name + ".bias");
        double[] out = new double[HEAD_DIM];
        for (int d = 0; d < HEAD_DIM; d++) {
            int r = head * HEAD_DIM + d;
            double s = bias.getDouble(r);
            for (int i = 0; i < HIDDEN; i++) s += wt.getDouble(r, i) * xRow.getDouble(i);
            out[d] = s;
        }
        return out;
    }

    private static double[] rotate(double[] v, int position) {
        int half = HEAD_DIM / 2;
        double[] out = new double[HEAD_DIM];
        for (int i = 0; i < half; i++) {
            double a = position * (double) (float) (1.0 / Math.pow(THETA, 2.0 * i / HEAD_DIM));
            out[i] = v[i] * Math.cos(a) - v[i + half] * Math.sin(a);
            out[i + half] = v[i + half] * Math.cos(a) + v[i] * Math.sin(a);
        }
        return out;
    }

    @Test
    void prefillWithLeftPaddingMatchesPlainLoops() {
        Fixture f = new Fixture();
        int T = 4;
        int[][] mask = {{1, 1, 1, 1}, {0, 1, 1, 1}};
        int[][] pos = {{0, 1, 2, 3}, {0, 0, 1, 2}};
        INDArray x = TestGraphs.randn(3, 2L * T, HIDDEN);
        INDArray y = f.sd.output(f.inputs(x, pos, mask, f.emptyCache(2), f.emptyCache(2)), "y").get("y");
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < T; t++) {
                if (mask[b][t] == 0) continue; // a padded query's output is unused
                // tolerance: the layer rounds position × frequency to float32 as HF does, the loops do not
                double[] expected = reference(f, x, b, t, T, pos, mask);
                for (int i = 0; i < HIDDEN; i++) assertEquals(expected[i], y.getDouble((long) b * T + t, i), 1e-7, "b" + b + " t" + t);
            }
    }

    @Test
    void cachedStepsEqualTheFullForward() {
        Fixture f = new Fixture();
        int[][] mask = {{1, 1, 1, 1, 1}, {0, 0, 1, 1, 1}};
        int[][] pos = {{0, 1, 2, 3, 4}, {0, 0, 0, 1, 2}};
        INDArray x = TestGraphs.randn(5, 10, HIDDEN);
        INDArray full = f.sd.output(f.inputs(x, pos, mask, f.emptyCache(2), f.emptyCache(2)), "y").get("y");

        // prefill 3 positions, then two single-token steps that read the cache
        INDArray x3 = Nd4j.vstack(x.getRows(0, 1, 2), x.getRows(5, 6, 7));
        Map<String, INDArray> first = f.sd.output(f.inputs(x3, slice(pos, 0, 3), slice(mask, 0, 3),
                f.emptyCache(2), f.emptyCache(2)), "y", "present_k", "present_v");
        INDArray pk = first.get("present_k"), pv = first.get("present_v");
        for (int step = 3; step < 5; step++) {
            INDArray xs = Nd4j.vstack(x.getRows(step), x.getRows(5 + step));
            Map<String, INDArray> out = f.sd.output(f.inputs(xs, slice(pos, step, step + 1), slice(mask, 0, step + 1), pk, pv),
                    "y", "present_k", "present_v");
            for (int b = 0; b < 2; b++)
                for (int i = 0; i < HIDDEN; i++)
                    assertEquals(full.getDouble(b * 5L + step, i), out.get("y").getDouble(b, i), 1e-12);
            pk = out.get("present_k");
            pv = out.get("present_v");
        }
        assertEquals(5, pk.size(2));
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Fixture f = new Fixture();
        int[][] mask = {{1, 1, 1}, {0, 1, 1}};
        int[][] pos = {{2, 3, 4}, {1, 1, 2}};
        INDArray past = TestGraphs.randn(8, 2, KV_HEADS, 2, HEAD_DIM);
        int[][] fullMask = {{1, 1, 1, 1, 1}, {1, 1, 0, 1, 1}};
        TestGraphs.weightedSumLoss(f.g, f.sd.getVariable("y"), new long[]{6, HIDDEN}, 9);
        TestGraphs.assertGradientsMatch(f.g, f.inputs(TestGraphs.randn(4, 6, HIDDEN), pos, fullMask, past, past.mul(-1)));
    }

    private static int[][] slice(int[][] a, int from, int to) {
        int[][] out = new int[a.length][];
        for (int i = 0; i < a.length; i++) out[i] = java.util.Arrays.copyOfRange(a[i], from, to);
        return out;
    }
}

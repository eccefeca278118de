package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;

/**
 * Rotary position embedding in Hugging Face's rotate-half layout: a head vector {@code [x1, x2]} becomes
 * {@code x · cos + [-x2, x1] · sin}, with frequencies duplicated over both halves.
 *
 * <p>The cos/sin tables are graph constants of {@code [maxPositions, headDim]}, read by position id, so the same
 * graph serves any (per-row) positions, as left padding and KV-cached decoding need.
 */
public final class RotaryEmbedding {
    private final Graph graph;
    private final SDVariable cosTable, sinTable;

    /** cos and sin for a batch of positions, {@code [B, 1, T, headDim]}, shared by all layers. */
    public record Tables(SDVariable cos, SDVariable sin) {}

    public RotaryEmbedding(Graph graph, String name, int headDim, double theta, RopeScaling scaling, int maxPositions) {
        if (headDim % 2 != 0) throw new IllegalArgumentException("rotary head dim must be even, got " + headDim);
        this.graph = graph;
        float[] inv = (scaling == null ? RopeScaling.NONE : scaling).inverseFrequencies(headDim, theta);
        int half = headDim / 2;
        double[][] cos = new double[maxPositions][headDim], sin = new double[maxPositions][headDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = p * inv[i]; // float32 product, as HF's freqs = positions @ inv_freq
                cos[p][i] = cos[p][i + half] = Math.cos(angle);
                sin[p][i] = sin[p][i + half] = Math.sin(angle);
            }
        }
        INDArray c = Nd4j.create(cos).castTo(graph.dtype()), s = Nd4j.create(sin).castTo(graph.dtype());
        this.cosTable = graph.sd().constant(name + ".cos", c);
        this.sinTable = graph.sd().constant(name + ".sin", s);
    }

    /** {@code positionIds [B, T]} integers -> cos/sin {@code [B, 1, T, headDim]}. */
    public Tables tables(SDVariable positionIds) {
        var sd = graph.sd();
        // forward-only gather of a constant: its broken backward is never built
        SDVariable cos = sd.expandDims(sd.gather(cosTable, positionIds, 0), 1);
        SDVariable sin = sd.expandDims(sd.gather(sinTable, positionIds, 0), 1);
        return new Tables(cos, sin);
    }

    /** {@code x [B, H, T, D] -> [B, H, T, D]} rotated by the tables. */
    public SDVariable apply(SDVariable x, Tables t) {
        var sd = graph.sd();
        SDVariable[] halves = sd.split(x, 2, 3);
        SDVariable rotated = sd.concat(3, halves[1].neg(), halves[0]);
        return x.mul(t.cos()).add(rotated.mul(t.sin()));
    }
}

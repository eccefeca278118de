package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;

import java.util.HashMap;
import java.util.Map;

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
    private final int headDim;

    /**
     * cos and sin for a batch of positions, shared by all layers: {@link #cos()}/{@link #sin()} {@code [B, 1, T, headDim]}
     * for {@link #apply}, and per row {@code [B·T, headDim]} for {@link #applyToRows}, which also keeps the full-width
     * tables it expands, so every layer reuses them.
     */
    public static final class Tables {
        private final SDVariable cos, sin, cosRows, sinRows;
        private final Map<String, SDVariable[]> expanded = new HashMap<>();

        /**
         * The tables of one batch of positions.
         *
         * @param cos     {@code [B, 1, T, headDim]}
         * @param sin     {@code [B, 1, T, headDim]}
         * @param cosRows {@code [B·T, headDim]}
         * @param sinRows {@code [B·T, headDim]}
         */
        public Tables(SDVariable cos, SDVariable sin, SDVariable cosRows, SDVariable sinRows) {
            this.cos = cos;
            this.sin = sin;
            this.cosRows = cosRows;
            this.sinRows = sinRows;
        }

        /** @return cos, {@code [B, 1, T, headDim]} */
        public SDVariable cos() { return cos; }

        /** @return sin, {@code [B, 1, T, headDim]} */
        public SDVariable sin() { return sin; }

        /** @return cos per row, {@code [B·T, headDim]} */
        public SDVariable cosRows() { return cosRows; }

        /** @return sin per row, {@code [B·T, headDim]} */
        public SDVariable sinRows() { return sinRows; }
    }

    /**
     * Adds the cos/sin tables as constants {@code name.cos} and {@code name.sin}.
     *
     * @param graph        the graph to add to
     * @param name         the constants' prefix
     * @param headDim      the head size (even)
     * @param theta        {@code rope_theta}
     * @param scaling      {@code rope_scaling}, or null for none
     * @param maxPositions the positions the tables cover
     */
    public RotaryEmbedding(Graph graph, String name, int headDim, double theta, RopeScaling scaling, int maxPositions) {
        if (headDim % 2 != 0) throw new IllegalArgumentException("rotary head dim must be even, got " + headDim);
        this.graph = graph;
        this.headDim = headDim;
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

    /**
     * The tables of a batch of positions.
     *
     * @param positionIds {@code [B, T]} integers
     * @return cos/sin {@code [B, 1, T, headDim]} and {@code [B·T, headDim]}
     */
    public Tables tables(SDVariable positionIds) {
        var sd = graph.sd();
        // forward-only gathers of a constant: their broken backward is never built (unused ones never run)
        SDVariable cos = sd.expandDims(sd.gather(cosTable, positionIds, 0), 1);
        SDVariable sin = sd.expandDims(sd.gather(sinTable, positionIds, 0), 1);
        SDVariable flat = sd.reshape(positionIds, -1);
        return new Tables(cos, sin, sd.gather(cosTable, flat, 0), sd.gather(sinTable, flat, 0));
    }

    /**
     * The same rotation on the projection's 2-D output, before it is split into heads, times {@code scale}:
     * {@code x [B·T, heads·headDim] -> [B·T, heads·headDim]}, rows in (batch, time) order as {@code positionIds}.
     *
     * <p>Cheaper to differentiate than {@link #apply}: there, {@code [B, H, T, D] · [B, 1, T, D]} multiplies broadcast
     * over the heads, and M2.1's backward of a broadcast multiply is slow (measured ~10 ms per layer and projection
     * for a d=256 model at B·T = 1024). Here the tables are first widened to {@code [B·T, heads·D]} once per graph (a
     * product with a constant 0/±scale matrix, no gradient), the sign of rotate-half is folded into the sin table
     * ({@code [-x2, x1]·sin = [x2, x1]·[-sin, sin]}), and the multiplies are elementwise.
     *
     * @param x     {@code [B·T, heads·headDim]}
     * @param t     the tables of the rows' positions
     * @param heads heads in a row
     * @param scale multiplies the result (e.g. attention's {@code 1/sqrt(headDim)} on the queries)
     * @return {@code [B·T, heads·headDim]}, rotated and scaled
     */
    public SDVariable applyToRows(SDVariable x, Tables t, int heads, double scale) {
        var sd = graph.sd();
        SDVariable[] wide = t.expanded.computeIfAbsent(heads + "/" + scale, k -> new SDVariable[]{
                sd.mmul(t.cosRows, sd.constant(repeat(heads, scale, false))),
                sd.mmul(t.sinRows, sd.constant(repeat(heads, scale, true)))});
        SDVariable[] halves = sd.split(x.reshape(-1, headDim), 2, 1);                    // per head: x1, x2
        SDVariable swapped = sd.concat(1, halves[1], halves[0]).reshape(-1, (long) heads * headDim);
        return x.mul(wide[0]).add(swapped.mul(wide[1]));
    }

    /** {@code [headDim, heads·headDim]}: entry (i, h·headDim + i) is scale (negated in the first half if signed). */
    private INDArray repeat(int heads, double scale, boolean signed) {
        double[][] m = new double[headDim][heads * headDim];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim; i++) m[i][h * headDim + i] = signed && i < headDim / 2 ? -scale : scale;
        }
        return Nd4j.create(m).castTo(graph.dtype());
    }

    /**
     * Rotates a 4-D head tensor.
     *
     * @param x {@code [B, H, T, D]}
     * @param t the tables of its positions
     * @return {@code [B, H, T, D]}, rotated
     */
    public SDVariable apply(SDVariable x, Tables t) {
        var sd = graph.sd();
        SDVariable[] halves = sd.split(x, 2, 3);
        SDVariable rotated = sd.concat(3, halves[1].neg(), halves[0]);
        return x.mul(t.cos()).add(rotated.mul(t.sin()));
    }
}

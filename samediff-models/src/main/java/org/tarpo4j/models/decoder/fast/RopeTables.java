package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.models.config.ModelConfig;

/**
 * cos and sin of every position, widened to {@code [positions, (H + Hkv)·D]} the way
 * {@link org.tarpo4j.layers.RotaryEmbedding#applyToRows} widens them: query columns scaled by {@code 1/sqrt(D)}, the
 * first half of each head's sin negated (rotate-half is then applied to the swapped halves by a multiply and an add).
 * Widened (a new pair of tables) when a position beyond them comes: positions may exceed the cache length.
 */
final class RopeTables {
    private final ModelConfig config;
    private final Dims dims;
    private final DataType dt;
    private final int maxPositions;
    private final Resources owner;
    private INDArray cos, sin;

    RopeTables(ModelConfig config, Dims dims, DataType dt, int positions, int maxPositions, Resources owner) {
        this.config = config;
        this.dims = dims;
        this.dt = dt;
        this.maxPositions = maxPositions;
        this.owner = owner;
        build(Math.min(maxPositions, positions));
    }

    INDArray cos() { return cos; }

    INDArray sin() { return sin; }

    /** Widens the tables, if needed, to cover every position in {@code pos}. */
    void cover(int[][] pos) {
        int max = 0;
        for (int[] row : pos) for (int p : row) max = Math.max(max, p);
        if (max < cos.size(0)) return;
        build(Math.min(maxPositions, Math.max(max + 1, 2 * (int) cos.size(0))));
    }

    private void build(int positions) {
        int headDim = dims.headDim(), width = dims.ropeWidth(), half = headDim / 2;
        RopeScaling scaling = config.ropeScaling() == null ? RopeScaling.NONE : config.ropeScaling();
        float[] inv = scaling.inverseFrequencies(headDim, config.ropeTheta());
        double qScale = 1.0 / Math.sqrt(headDim);
        double[] c = new double[positions * width], s = new double[positions * width];
        for (int p = 0; p < positions; p++) {
            for (int col = 0; col < width; col++) {
                int i = col % headDim;
                float angle = p * inv[i % half];
                double scale = col < dims.queryWidth() ? qScale : 1.0;
                c[p * width + col] = Math.cos(angle) * scale;
                s[p * width + col] = Math.sin(angle) * scale * (i < half ? -1 : 1);
            }
        }
        cos = owner.track(Nd4j.create(c, new long[]{positions, width}, dt));
        sin = owner.track(Nd4j.create(s, new long[]{positions, width}, dt));
    }
}

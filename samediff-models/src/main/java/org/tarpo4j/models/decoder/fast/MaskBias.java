package org.tarpo4j.models.decoder.fast;

import org.tarpo4j.layers.AttentionMask;

/**
 * The additive attention mask of {@link AttentionMask}, built on the Java side (a few hundred numbers a step): query
 * (b, t) sees key j iff key j is valid and its position ({@code cumsum(valid) - 1}) is not after the query's.
 */
final class MaskBias {
    private MaskBias() {}

    /**
     * @param valid       per row and cached key: 1 for a real token
     * @param keyPosition per row and cached key: its position
     * @param queries     per row: the T new positions
     * @return {@code [B, 1, rep·T, S]} row-major (each query row repeated for the rep query heads of a key/value head),
     *         or null when every query sees every key
     */
    static float[] of(int[][] valid, int[][] keyPosition, int[][] queries, int rep, int t, int s) {
        int batch = queries.length;
        float[] bias = new float[batch * rep * t * s];
        boolean any = false;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < t; j++) {
                int base = (b * rep * t + j) * s;
                for (int k = 0; k < s; k++) {
                    if (valid[b][k] == 0 || keyPosition[b][k] > queries[b][j]) {
                        bias[base + k] = (float) AttentionMask.MASKED;
                        any = true;
                    }
                }
                for (int r = 1; r < rep; r++) System.arraycopy(bias, base, bias, base + r * t * s, s);
            }
        }
        return any ? bias : null;
    }
}

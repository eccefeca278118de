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

class HybridEmbeddingMixerTest {
    private static final int[][] TOKENS = {{3, 1, 4}, {0, 5, 2}};
    private static final int[][][] SOFT_IDS = {{{0, 0}, {2, 5}, {1, 1}}, {{3, 4}, {0, 0}, {4, 1}}};
    private static final double[][][] SOFT_W = {{{0, 0}, {0.75, 0.25}, {0.5, 0.5}}, {{0.6, 0.4}, {0, 0}, {0.9, 0.1}}};
    private static final double[][] ROUTES = {{0, 1, 0}, {1, 0, 1}};

    private static Map<String, INDArray> inputs() {
        return Map.of("tok", Nd4j.createFromArray(TOKENS), HybridEmbeddingMixer.SOFT_IDS, Nd4j.createFromArray(SOFT_IDS),
                HybridEmbeddingMixer.SOFT_WEIGHTS, Nd4j.createFromArray(SOFT_W), HybridEmbeddingMixer.ROUTES, Nd4j.createFromArray(ROUTES));
    }

    @Test
    void hardRoutesTakeTheTokenAndSoftRoutesTheWeightedTopK() {
        Graph g = TarpoLayerTestSupport.doubleGraph(1);
        TokenEmbedding emb = new TokenEmbedding(g, "embed", 6, 4);
        SDVariable tok = g.sd().placeHolder("tok", DataType.INT32, -1, -1);
        SDVariable out = new HybridEmbeddingMixer(g, emb, 2).mixFromPlaceholders(tok);
        INDArray y = out.eval(inputs());
        INDArray e = g.parameters().get("embed.weight");
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++) {
                INDArray expected = ROUTES[b][t] == 0 ? e.getRow(TOKENS[b][t])
                        : e.getRow(SOFT_IDS[b][t][0]).mul(SOFT_W[b][t][0]).add(e.getRow(SOFT_IDS[b][t][1]).mul(SOFT_W[b][t][1]));
                assertArrayEquals(expected.toDoubleVector(), y.getRow(b * 3 + t).toDoubleVector(), 1e-12, "b" + b + " t" + t);
            }
    }

    @Test
    void gradientIntoTheEmbeddingMatchesFiniteDifferences() {
        Graph g = TarpoLayerTestSupport.doubleGraph(2);
        TokenEmbedding emb = new TokenEmbedding(g, "embed", 6, 4);
        SDVariable tok = g.sd().placeHolder("tok", DataType.INT32, -1, -1);
        SDVariable out = new HybridEmbeddingMixer(g, emb, 2).mixFromPlaceholders(tok);
        TarpoLayerTestSupport.lossOn(g, out, new long[]{6, 4});
        TarpoLayerTestSupport.assertGradientsMatch(g, inputs());
    }
}

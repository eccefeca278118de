package org.tarpo4j.layers.tarpo;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.Linear;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Graph;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class LatentInputMixerTest {
    private static final int[][] TOKENS = {{3, 1}, {0, 4}};
    private static final double[][] ROUTES = {{0, 1}, {1, 0}};

    @Test
    void latentPositionsTakeTheVectorAndOthersTheTokenEmbedding() {
        Graph g = TarpoLayerTestSupport.doubleGraph(1);
        TokenEmbedding emb = new TokenEmbedding(g, "embed", 5, 3);
        SDVariable out = new LatentInputMixer(g, emb, 3).mixFromPlaceholders(g.sd().placeHolder("tok", DataType.INT32, -1, -1));
        INDArray latent = TarpoLayerTestSupport.uniform(2, 2, 2, 3);
        INDArray y = out.eval(Map.of("tok", Nd4j.createFromArray(TOKENS), LatentInputMixer.LATENT_INPUTS, latent,
                HybridEmbeddingMixer.ROUTES, Nd4j.createFromArray(ROUTES)));
        INDArray e = g.parameters().get("embed.weight");
        assertArrayEquals(e.getRow(3).toDoubleVector(), y.getRow(0).toDoubleVector(), 1e-12);
        assertArrayEquals(latent.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(1),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).toDoubleVector(), y.getRow(1).toDoubleVector(), 1e-12);
        assertArrayEquals(e.getRow(4).toDoubleVector(), y.getRow(3).toDoubleVector(), 1e-12);
    }

    @Test
    void gradientFlowsThroughAnInGraphLatentVector() {
        // COCONUT: the latent vector is computed by the graph itself (here a projection), and must get its gradient
        Graph g = TarpoLayerTestSupport.doubleGraph(2);
        TokenEmbedding emb = new TokenEmbedding(g, "embed", 5, 3);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 4);
        SDVariable latent = new Linear(g, "thought", 4, 3, true, null).forward(x);
        SDVariable out = new LatentInputMixer(g, emb, 3).mix(g.sd().placeHolder("tok", DataType.INT32, -1, -1), latent,
                g.sd().placeHolder("route", DataType.DOUBLE, -1, -1));
        TarpoLayerTestSupport.lossOn(g, out, new long[]{4, 3});
        TarpoLayerTestSupport.assertGradientsMatch(g, Map.of("tok", Nd4j.createFromArray(TOKENS), "route", Nd4j.createFromArray(ROUTES),
                "x", TarpoLayerTestSupport.uniform(3, 4, 4)));
    }
}

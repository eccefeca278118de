package org.tarpo4j.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.Graph;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenEmbeddingTest {
    @Test
    void lookupGradientEqualsTheOneHotMatmulGradient() {
        Graph g = TestGraphs.doubleGraph(1);
        TokenEmbedding emb = new TokenEmbedding(g, "embed", 7, 3);
        SDVariable ids = g.sd().placeHolder("ids", DataType.INT32, -1, -1);
        SDVariable rows = emb.lookup(ids);
        TestGraphs.weightedSumLoss(g, rows, new long[]{6, 3}, 5);
        int[][] idArr = {{1, 3, 3}, {0, 6, 1}}; // duplicates must accumulate
        Map<String, INDArray> ph = Map.of("ids", Nd4j.createFromArray(idArr));
        INDArray grad = Gradients.compute(g, "loss", ph, List.of(), List.of("embed.weight")).gradients().get("embed.weight");

        INDArray r = g.sd().getArrForVarName("loss_weights");
        INDArray oneHot = Nd4j.zeros(DataType.DOUBLE, 6, 7);
        int n = 0;
        for (int[] row : idArr) for (int id : row) oneHot.putScalar(n++, id, 1.0);
        INDArray expected = oneHot.transpose().mmul(r); // d/dE sum((onehot·E)·r) = onehotᵀ·r
        assertEquals(0.0, grad.sub(expected).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void weightedSumMixesRowsAndPassesFiniteDifferences() {
        Graph g = TestGraphs.doubleGraph(2);
        TokenEmbedding emb = new TokenEmbedding(g, "embed", 5, 4);
        SDVariable ids = g.sd().placeHolder("ids", DataType.INT32, -1, -1);
        SDVariable w = g.sd().placeHolder("w", DataType.DOUBLE, -1, -1);
        SDVariable mixed = emb.weightedSum(ids, w);
        // a second, plain lookup in the same graph: two gathers must coexist
        SDVariable plain = emb.lookup(g.sd().placeHolder("tok", DataType.INT32, -1));
        SDVariable out = mixed.add(plain);
        INDArray idArr = Nd4j.createFromArray(new int[][]{{0, 2, 4}, {1, 1, 3}});
        INDArray wArr = Nd4j.createFromArray(new double[][]{{0.5, 0.3, 0.2}, {1.0, 0.0, 0.0}});
        INDArray tok = Nd4j.createFromArray(2, 2);
        INDArray value = out.eval(Map.of("ids", idArr, "w", wArr, "tok", tok));
        INDArray table = g.parameters().get("embed.weight");
        INDArray expectedRow0 = table.getRow(0).mul(0.5).add(table.getRow(2).mul(0.3)).add(table.getRow(4).mul(0.2)).add(table.getRow(2));
        assertArrayEquals(expectedRow0.toDoubleVector(), value.getRow(0).toDoubleVector(), 1e-12);
        TestGraphs.weightedSumLoss(g, out, new long[]{2, 4}, 6);
        TestGraphs.assertGradientsMatch(g, Map.of("ids", idArr, "w", wArr, "tok", tok));
    }
}

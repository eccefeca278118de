package org.tarpo4j.rl.policy;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.models.decoder.DecoderGraph;

import java.util.ArrayList;
import java.util.List;

/**
 * Per layer, the keys and values of some columns, {@code [rows, Hkv, columns, D]}: what a {@link ChunkedPass}'s earlier
 * chunks leave for the later ones to attend to.
 *
 * @param keys   the keys, one array per layer
 * @param values the values, one array per layer
 */
public record ChunkCache(List<INDArray> keys, List<INDArray> values) implements AutoCloseable {
    /**
     * The first {@code columns} positions, as fresh contiguous arrays.
     *
     * @param columns positions kept, from the first
     * @return a new cache, to be closed by the caller
     */
    public ChunkCache prefix(int columns) {
        List<INDArray> k = new ArrayList<>(), v = new ArrayList<>();
        INDArrayIndex all = NDArrayIndex.all(), first = NDArrayIndex.interval(0, columns);
        for (int l = 0; l < keys.size(); l++) {
            k.add(keys.get(l).get(all, all, first, all).dup('c'));
            v.add(values.get(l).get(all, all, first, all).dup('c'));
        }
        return new ChunkCache(k, v);
    }

    /**
     * Zeros shaped as this cache's first {@code columns} positions (no gradient arrives from later chunks).
     *
     * @param graph   the decoder, for its layers, key-value heads, head size and data type
     * @param rows    rows of the batch
     * @param columns positions
     * @return one {@code [rows, Hkv, columns, D]} array per layer
     */
    public static List<INDArray> zeros(DecoderGraph graph, int rows, int columns) {
        var c = graph.config();
        List<INDArray> z = new ArrayList<>();
        for (int l = 0; l < c.numHiddenLayers(); l++) z.add(Nd4j.zeros(graph.parameters().dtype(), rows, c.numKeyValueHeads(), columns, c.headDim()));
        return z;
    }

    @Override
    public void close() {
        keys.forEach(NativeArrays::close);
        values.forEach(NativeArrays::close);
    }
}

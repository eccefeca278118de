package org.tarpo4j.rl.policy;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.GraphRun;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.models.decoder.DecoderGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A {@link TrainingBatch} fed to a policy's graph a chunk of positions at a time, each chunk attending to the keys and
 * values its rows' earlier chunks left in the cache: the pass of a row too long to hold in memory at once, with exactly
 * the one-pass result (the decoder's own KV-cached decode, run on a whole chunk instead of one position). Gradients
 * cross chunk borders through the cache: a later chunk's pass gives the gradient of its past keys and values, which
 * the earlier chunk's pass takes back in ({@link PolicyLoss#cacheGradient}).
 *
 * @param batch  the rows fed
 * @param chunks the {@code [start, end)} column ranges, in order
 */
public record ChunkedPass(TrainingBatch batch, List<int[]> chunks) {
    /**
     * The chunks of {@code length} positions (the last may be shorter) covering the batch; one when it fits.
     *
     * @param batch  the rows to feed
     * @param length positions per chunk, positive
     * @return the pass
     * @throws IllegalArgumentException for a length that is not positive
     */
    public static ChunkedPass of(TrainingBatch batch, int length) {
        if (length <= 0) throw new IllegalArgumentException("chunk length must be positive, got " + length);
        List<int[]> chunks = new ArrayList<>();
        for (int start = 0; start < batch.width; start += length) chunks.add(new int[]{start, Math.min(batch.width, start + length)});
        return new ChunkedPass(batch, chunks);
    }

    /** @return how many chunks the pass has */
    public int size() { return chunks.size(); }

    /**
     * A forward sweep over the chunks: each chunk's {@code outputs} are handed to {@code perChunk} (fresh arrays,
     * registered in {@code arrays}) with the chunk's index; returns the cache of every column, per layer.
     *
     * @param policy   the policy whose graph is run
     * @param allHard  feed every position as its token (routes zeroed), as the reference on the all-hard sequence does
     * @param outputs  the graph outputs wanted from each chunk, besides the cache
     * @param extra    placeholders besides the model's for chunk i (e.g. the completion mask's columns), or null
     * @param perChunk takes the chunk's index and its {@code outputs}
     * @param arrays   where the chunks' outputs are registered to be closed
     * @return the keys and values of every column after the last chunk
     */
    public ChunkCache forward(Policy policy, boolean allHard, List<String> outputs, java.util.function.IntFunction<Map<String, INDArray>> extra,
                         BiConsumer<Integer, Map<String, INDArray>> perChunk, NativeArrays arrays) {
        int layers = policy.graph().config().numHiddenLayers();
        List<String> wanted = new ArrayList<>(outputs);
        for (int l = 0; l < layers; l++) {
            wanted.add(DecoderGraph.presentKey(l));
            wanted.add(DecoderGraph.presentValue(l));
        }
        ChunkCache cache = null;
        for (int i = 0; i < chunks.size(); i++) {
            int[] c = chunks.get(i);
            Map<String, INDArray> ph = batch.modelInputs(policy, allHard, c[0], c[1], cache == null ? null : cache.keys(),
                    cache == null ? null : cache.values());
            if (extra != null) ph.putAll(extra.apply(i));
            Map<String, INDArray> out = GraphRun.outputs(policy.graph().sd(), ph, wanted);
            ph.forEach((k, v) -> { if (!k.startsWith("past_key_values.")) NativeArrays.close(v); });
            if (cache != null) cache.close();
            List<INDArray> keys = new ArrayList<>(), values = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                keys.add(out.remove(DecoderGraph.presentKey(l)));
                values.add(out.remove(DecoderGraph.presentValue(l)));
            }
            cache = new ChunkCache(keys, values);
            arrays.trackAll(out.values());
            perChunk.accept(i, out);
        }
        return cache;
    }
}

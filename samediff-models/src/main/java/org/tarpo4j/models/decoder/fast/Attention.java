package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Grouped-query attention of a step's T queries over the S cached positions, for one step width T: {@code softmax(q kᵀ
 * + mask) v} per key/value head, its {@code rep} query heads stacked as rows ({@code [B, Hkv, rep·T, D]}), so that each
 * head's product is one batched matmul over the cache as it is. The query scale is folded into the rotary tables.
 * The three ops are bound once and rebound to each step's S (a view of one score buffer sized to the cache).
 */
final class Attention {
    private final Dims dims;
    private final int t;
    private final DataType dt;
    private final Resources owner;
    private final INDArray qPart, q4, queries, attnOut, mixed;
    private INDArray scoresFlat;        // capacity-sized, viewed per S
    private INDArray[] scoresByS;
    private BoundOp scoresOp, maskOp, softmaxOp, valuesOp;

    /**
     * @param qPart   the rotated queries, {@code [B·T, H·D]}
     * @param q4      T = 1: the same as {@code [B, Hkv, rep, D]} (query head j·rep + r uses key/value head j), else null
     * @param queries T &gt; 1: a buffer for the queries rearranged to {@code [B, Hkv, rep·T, D]}, else unused
     * @param attnOut {@code [B, Hkv, rep·T, D]}, the output
     * @param mixed   T &gt; 1: the output rearranged to {@code [B·T, H·D]} (T = 1 reads {@code attnOut} as that)
     */
    Attention(Dims dims, int t, DataType dt, INDArray qPart, INDArray q4, INDArray queries, INDArray attnOut, INDArray mixed,
              Resources owner) {
        this.dims = dims;
        this.t = t;
        this.dt = dt;
        this.qPart = qPart;
        this.q4 = q4;
        this.queries = queries;
        this.attnOut = attnOut;
        this.mixed = mixed;
        this.owner = owner;
    }

    /** Layer l's attention over the first s cached positions; {@code bias} is the additive mask, or null for none. */
    void run(KvCache cache, int l, int s, INDArray bias) {
        int b = dims.batch(), kv = dims.kvHeads(), rep = dims.rep();
        if (t > 1) {
            queries.assign(qPart.reshape(b, t, kv, rep, dims.headDim()).permute(0, 2, 3, 1, 4)
                    .reshape(b, kv, (long) rep * t, dims.headDim()));
        }
        INDArray q = t == 1 ? q4 : queries;
        INDArray scores = scores(s, cache.capacity()), k = cache.keys(l, s), v = cache.values(l, s);
        if (scoresOp == null) {
            owner.binding(() -> {
                scoresOp = BoundOp.of("matmul", new INDArray[]{q, k}, scores, 0, 1);
                softmaxOp = BoundOp.of("softmax", new INDArray[]{scores}, scores, 3);
                valuesOp = BoundOp.of("matmul", new INDArray[]{scores, v}, attnOut);
                return null;
            });
        }
        scoresOp.input(1, k).output(0, scores).run();
        if (bias != null) {
            if (maskOp == null) maskOp = owner.binding(() -> BoundOp.pairwise("add", scores, bias, scores));
            maskOp.input(0, scores).input(1, bias).output(0, scores).run();
        }
        softmaxOp.input(0, scores).output(0, scores).run();
        valuesOp.input(0, scores).input(1, v).run();
        if (t > 1) {
            mixed.assign(attnOut.reshape(b, kv, rep, t, dims.headDim()).permute(0, 3, 1, 2, 4)
                    .reshape((long) b * t, (long) dims.heads() * dims.headDim()));
        }
    }

    /** A view of the score buffer for S attended positions. */
    private INDArray scores(int s, int capacity) {
        long rows = (long) dims.batch() * dims.heads() * t;
        if (scoresByS == null || s >= scoresByS.length) {
            int cap = Math.max(capacity, s) + 1;
            scoresFlat = owner.track(Nd4j.createUninitialized(dt, rows * cap));
            scoresByS = new INDArray[cap];
        }
        if (scoresByS[s] == null) {
            scoresByS[s] = scoresFlat.get(NDArrayIndex.interval(0, rows * s)).reshape(dims.batch(), dims.kvHeads(), (long) dims.rep() * t, s);
        }
        return scoresByS[s];
    }
}

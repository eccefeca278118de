package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.transforms.floating.RSqrt;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@link FastDecoder}'s buffers for one step width T (prefill and single steps each get theirs, made on first use),
 * and the ops bound to them once ({@link BoundOp}): a step re-runs them on new contents instead of building ~25 ops
 * per layer. Long because it is one list of buffers and the ~25 ops per layer that read and write them.
 *
 * <p>Above {@value FastDecoder#MATVEC_ROWS} rows the projections write column-major ({@code 'f'}) outputs: OpenBLAS's
 * small-M SGEMM is 1.3–1.5× faster that way round (measured at 8 rows: 42–49 vs 28–35 GFLOP/s on the decode shapes).
 * The residual stream and gate/up are only used element-wise and as GEMM inputs, so they stay column-major. The q/k/v
 * output is column-major at every row count, so that its rotary (q, k) and value columns are two contiguous blocks;
 * the op that applies the norm copies them into two row-major buffers. RoPE then works on whole contiguous arrays:
 * libnd4j's custom ops on a column range of a row-major array take a strided path (measured 43–47 µs against
 * 2 µs for [8, 768]), and each head's halves are swapped by two strided copies (legacy assign, ~6 µs for both)
 * where a column {@code gather} took 79 µs and {@code reverse} 1.7 ms.
 */
final class StepBuffers {
    final int t, n;
    final INDArray x, normed, qkvRaw, qk, v, swapped, cos, sin, gateUp, inv, queries, mixed, attnOut, hidden;
    final INDArray qPart, kPart, gatePart, upPart, invFlat;
    final INDArray firstHalves, secondHalves, swappedFirst, swappedSecond;   // [N·(H + Hkv), D/2] views
    final INDArray q4, k4, v4;                     // T = 1: the parts as [B, Hkv, rep or 1, D] views
    final INDArray ids, positions;                 // int32 [N], refilled each step
    final INDArray logitsRaw;                      // T = 1: [N, V] head output, reused each step

    final BoundOp embed, cosGather, sinGather, sqnorm, qkScale, vScale, ropeCos, ropeSin, ropeAdd, gateUpScale,
            gateTimesUp, finalScale, finalNorm;
    final Op epsilon, rsqrt, swish;                                // legacy transforms, built once
    final BoundOp[] inNorm, postNorm;                              // normed = x ⊙ (norm weight · sqrt(d))
    final AdaptedProjection[] qProj, kProj, vProj, oProj, gateProj, upProj, downProj;
    final BoundOp[] qkBias, vBias, oBias, gateUpBias, downBias;    // null entries where a layer has none
    final Projection headProj, routerProj;
    final BoundOp routerBias;
    final INDArray routerOut;
    final Attention attention;
    InputEmbedding.Mixture mixture;                                // TARPO's hybrid inputs, made on first use

    private final Resources owner;
    private final DataType dt;
    private final Map<Integer, INDArray> lows = new HashMap<>();

    StepBuffers(FastWeights w, Dims dims, int t, RopeTables rope, boolean routeLogits, Resources owner) {
        this.owner = owner;
        this.dt = w.dtype();
        this.t = t;
        int batch = dims.batch(), d = dims.d(), kvHeads = dims.kvHeads(), headDim = dims.headDim(), rep = dims.rep();
        int ff = dims.ff(), ropeWidth = dims.ropeWidth(), qkvWidth = dims.qkvWidth();
        this.n = batch * t;
        char order = n > FastDecoder.MATVEC_ROWS ? 'f' : 'c';
        x = track(Nd4j.create(dt, new long[]{n, d}, order));
        normed = track(Nd4j.create(dt, new long[]{n, d}, order));
        qkvRaw = track(Nd4j.create(dt, new long[]{n, qkvWidth}, 'f'));
        qk = track(Nd4j.create(dt, n, ropeWidth));
        v = track(Nd4j.create(dt, n, (long) kvHeads * headDim));
        swapped = track(Nd4j.create(dt, n, ropeWidth));
        cos = track(Nd4j.create(dt, n, ropeWidth));
        sin = track(Nd4j.create(dt, n, ropeWidth));
        gateUp = track(Nd4j.create(dt, new long[]{n, 2L * ff}, order));
        inv = track(Nd4j.create(dt, n, 1));
        queries = track(Nd4j.create(dt, batch, kvHeads, (long) rep * t, headDim));
        mixed = track(Nd4j.create(dt, n, (long) dims.queryWidth()));
        attnOut = track(Nd4j.create(dt, batch, kvHeads, (long) rep * t, headDim));
        hidden = track(Nd4j.create(dt, n, d));
        ids = track(Nd4j.create(DataType.INT32, n));
        positions = track(Nd4j.create(DataType.INT32, n));
        INDArrayIndex all = NDArrayIndex.all();
        int q = dims.queryWidth();
        qPart = qk.get(all, NDArrayIndex.interval(0, q));
        kPart = qk.get(all, NDArrayIndex.interval(q, ropeWidth));
        long headRows = (long) n * (dims.heads() + kvHeads);
        INDArrayIndex first = NDArrayIndex.interval(0, headDim / 2), second = NDArrayIndex.interval(headDim / 2, headDim);
        firstHalves = qk.reshape(headRows, headDim).get(all, first);
        secondHalves = qk.reshape(headRows, headDim).get(all, second);
        swappedFirst = swapped.reshape(headRows, headDim).get(all, first);
        swappedSecond = swapped.reshape(headRows, headDim).get(all, second);
        gatePart = gateUp.get(all, NDArrayIndex.interval(0, ff));
        upPart = gateUp.get(all, NDArrayIndex.interval(ff, 2 * ff));
        invFlat = inv.reshape(n);
        q4 = t == 1 ? qPart.reshape(batch, kvHeads, rep, headDim) : null;   // query head j·rep + r uses KV head j
        k4 = t == 1 ? kPart.reshape(batch, kvHeads, 1, headDim) : null;
        v4 = t == 1 ? v.reshape(batch, kvHeads, 1, headDim) : null;
        attention = new Attention(dims, t, dt, qPart, q4, queries, attnOut, mixed, owner);

        embed = BoundOp.of("gather", new INDArray[]{w.embedding(), ids}, x, 0);
        cosGather = BoundOp.of("gather", new INDArray[]{rope.cos(), positions}, cos, 0);
        sinGather = BoundOp.of("gather", new INDArray[]{rope.sin(), positions}, sin, 0);
        // inv = rsqrt(Σx² + d·eps) = rsqrt(mean(x²) + eps) / sqrt(d); the sqrt(d) is folded into the weights
        sqnorm = BoundOp.of("reduce_sqnorm", new INDArray[]{x}, invFlat, 1);
        epsilon = new ScalarAdd(inv, null, inv, d * w.config().rmsNormEps());
        rsqrt = new RSqrt(inv, inv);
        INDArray rawQk = qkvRaw.get(all, NDArrayIndex.interval(0, ropeWidth));       // contiguous column blocks
        INDArray rawV = qkvRaw.get(all, NDArrayIndex.interval(ropeWidth, qkvWidth));
        qkScale = BoundOp.pairwise("multiply", rawQk, inv, qk);
        vScale = BoundOp.pairwise("multiply", rawV, inv, v);
        ropeCos = BoundOp.pairwise("multiply", qk, cos, qk);
        ropeSin = BoundOp.pairwise("multiply", swapped, sin, swapped);
        ropeAdd = BoundOp.pairwise("add", qk, swapped, qk);
        gateUpScale = BoundOp.pairwise("multiply", gateUp, inv, gateUp);
        swish = new Swish(gatePart, gatePart);
        gateTimesUp = BoundOp.pairwise("multiply", gatePart, upPart, gatePart);
        finalScale = BoundOp.pairwise("multiply", x, inv, hidden);
        finalNorm = BoundOp.pairwise("multiply", hidden, w.finalNorm(), hidden);

        int layers = w.layers().size();
        inNorm = new BoundOp[layers];
        postNorm = new BoundOp[layers];
        qProj = new AdaptedProjection[layers];
        kProj = new AdaptedProjection[layers];
        vProj = new AdaptedProjection[layers];
        oProj = new AdaptedProjection[layers];
        gateProj = new AdaptedProjection[layers];
        upProj = new AdaptedProjection[layers];
        downProj = new AdaptedProjection[layers];
        qkBias = new BoundOp[layers];
        vBias = new BoundOp[layers];
        oBias = new BoundOp[layers];
        gateUpBias = new BoundOp[layers];
        downBias = new BoundOp[layers];
        INDArray headInput = t == 1 ? attnOut.reshape(n, (long) q) : mixed;   // T = 1: query head j·rep + r is block j·rep + r
        INDArray qBlock = qkvRaw.get(all, NDArrayIndex.interval(0, q));
        INDArray kBlock = qkvRaw.get(all, NDArrayIndex.interval(q, ropeWidth));
        for (int l = 0; l < layers; l++) {
            FastWeights.Layer layer = w.layers().get(l);
            inNorm[l] = BoundOp.pairwise("multiply", x, layer.inNorm(), normed);
            postNorm[l] = BoundOp.pairwise("multiply", x, layer.postNorm(), normed);
            qProj[l] = new AdaptedProjection(normed, layer.q(), layer.qLora(), qBlock, false, low(layer.qLora()));
            kProj[l] = new AdaptedProjection(normed, layer.k(), layer.kLora(), kBlock, false, low(layer.kLora()));
            vProj[l] = new AdaptedProjection(normed, layer.v(), layer.vLora(), rawV, false, low(layer.vLora()));
            if (layer.qkvBias() != null) {
                qkBias[l] = BoundOp.pairwise("add", qk, layer.qkvBias().get(all, NDArrayIndex.interval(0, ropeWidth)), qk);
                vBias[l] = BoundOp.pairwise("add", v, layer.qkvBias().get(all, NDArrayIndex.interval(ropeWidth, qkvWidth)), v);
            }
            oProj[l] = new AdaptedProjection(headInput, layer.o(), layer.oLora(), x, true, low(layer.oLora()));
            oBias[l] = layer.oBias() == null ? null : BoundOp.pairwise("add", x, layer.oBias(), x);
            gateProj[l] = new AdaptedProjection(normed, layer.gate(), layer.gateLora(), gatePart, false, low(layer.gateLora()));
            upProj[l] = new AdaptedProjection(normed, layer.up(), layer.upLora(), upPart, false, low(layer.upLora()));
            gateUpBias[l] = layer.gateUpBias() == null ? null : BoundOp.pairwise("add", gateUp, layer.gateUpBias(), gateUp);
            downProj[l] = new AdaptedProjection(gatePart, layer.down(), layer.downLora(), x, true, low(layer.downLora()));
            downBias[l] = layer.downBias() == null ? null : BoundOp.pairwise("add", x, layer.downBias(), x);
        }
        // single steps reuse one head output (see FastDecoder); a prefill's logits go into a fresh array
        logitsRaw = t == 1 ? track(Nd4j.create(dt, new long[]{n, dims.vocab()}, order)) : null;
        headProj = t == 1 ? new Projection(hidden, w.head(), logitsRaw, false) : null;
        routerOut = routeLogits ? track(Nd4j.create(dt, n, 2)) : null;
        routerProj = routeLogits ? new Projection(hidden, w.routerWeight(), routerOut, false) : null;
        routerBias = routeLogits ? BoundOp.pairwise("add", routerOut, w.routerBias(), routerOut) : null;
    }

    private INDArray track(INDArray a) { return owner.track(a); }

    /** The {@code [N, r]} scratch buffer of a rank-r adapter (null without one). */
    private INDArray low(FastWeights.Adapter a) {
        return a == null ? null : lows.computeIfAbsent((int) a.a().size(0), r -> track(Nd4j.create(dt, (long) n, r)));
    }

    /** {@code inv = rsqrt(Σx² + d·eps)}, {@code [N, 1]}, three ops in place. */
    void rmsInverse() {
        sqnorm.run();
        Nd4j.getExecutioner().exec(epsilon);
        Nd4j.getExecutioner().exec(rsqrt);
    }
}

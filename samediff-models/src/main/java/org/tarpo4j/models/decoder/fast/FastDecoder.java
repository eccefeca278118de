package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarAdd;
import org.nd4j.linalg.api.ops.impl.transforms.floating.RSqrt;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tarpo4j.layers.AttentionMask;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.layers.core.HostArrays;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.HrpoGateMixer;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.StepOutput;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link IncrementalDecoder} that runs a {@link DecoderGraph}'s model with eager ND4J operations on preallocated
 * buffers instead of a SameDiff session per step: ~25 ops per layer, each bound once to its buffers ({@link BoundOp}),
 * most of them in place, GEMMs written into existing arrays (the residual added by the GEMM itself, {@code beta = 1}),
 * a KV cache preallocated to a maximum length, and the attention mask built on the Java side (a few hundred numbers
 * per step). Proven equal to
 * {@link org.tarpo4j.models.decoder.GraphDecoder} by {@code FastDecoderTest}.
 *
 * <p>Same inputs and outputs as the graph: plain token inputs, TARPO's hybrid inputs and HRPO's gated inputs (the
 * {@link HybridEmbeddingMixer} placeholders in {@link StepInput#extra()}), left-padded rows with per-row positions and
 * the {@link AttentionMask} rule, prefill of T &gt; 1 positions and single-token steps, LoRA (its adapters beside the projections),
 * and TARPO's router logits as {@code extra.get(}{@value ActionHeadRouter#LOGITS}{@code )} when asked for.
 *
 * <p>Weights are the model's own arrays ({@link FastWeights}: no copy of any matrix), read at every step. The cache grows (by copying) if more than {@code maxLength} positions are fed; size it to avoid that.
 * Every output is the decoder's own buffer, valid until the next call (a fresh {@code [B, V]} array for a step's logits
 * cost ~170 µs a step at B = 8, V = 8192, mostly page faults; fresh outputs also wait for the garbage collector to free
 * them); logits may be column-major. {@link #close} releases every native buffer at once. Not thread-safe.
 */
public final class FastDecoder implements IncrementalDecoder {
    private final FastWeights w;
    private final ModelConfig c;
    private final DataType dt;
    private final int batch, d, heads, kvHeads, headDim, rep, ff, qkvWidth, ropeWidth;
    private final boolean routeLogits;
    private INDArray cosTable, sinTable;         // [positions, (H + Hkv)·D]: scale and rotate-half sign folded in
    private INDArray[] keys, values;             // [B, Hkv, capacity, D]
    private int capacity, length;
    private int[][] valid, keyPosition;          // per row and cached position
    private final int[] validCount;
    private final Map<Integer, Work> work = new HashMap<>();
    private final NativeArrays owned = new NativeArrays();        // buffers, cache and tables: released by close()
    private final List<BoundOp> ops = new ArrayList<>();          // their native op contexts: released by close()
    private final NativeArrays stepScratch = new NativeArrays();  // a step's temporaries: released when it ends
    private INDArray prefillLogits;                               // the last prefill's output: released by the next call

    /** Optional per-section wall times of single-token steps (for profiling; off unless {@link #profile} is set). */
    public static final class Profile {
        public final String[] names = {"inputs+embed", "norm", "qkv gemm", "bias+rope", "cache write", "attention",
                "o gemm", "gate/up gemm", "swiglu", "down gemm", "final norm", "head gemm", "router"};
        public final long[] nanos = new long[names.length];
        public long steps;

        public String report() {
            StringBuilder b = new StringBuilder();
            long total = java.util.Arrays.stream(nanos).sum();
            for (int i = 0; i < names.length; i++) {
                b.append(String.format("%-14s %8.3f ms/step %5.1f%%%n", names[i], nanos[i] / 1e6 / Math.max(1, steps), 100.0 * nanos[i] / Math.max(1, total)));
            }
            return b.append(String.format("%-14s %8.3f ms/step%n", "total", total / 1e6 / Math.max(1, steps))).toString();
        }
    }

    /** Set to collect {@link Profile} times of single-token steps. */
    public static Profile profile;
    private long mark;

    private void lap(int section, int t) {
        if (profile == null || t != 1) return;
        long now = System.nanoTime();
        profile.nanos[section] += now - mark;
        mark = now;
    }

    /**
     * @param model        the graph whose weights (read now) and inputs this decoder reproduces
     * @param batch        rows
     * @param maxLength    positions to preallocate the cache for (prompt width + new tokens)
     * @param extraOutputs {@value ActionHeadRouter#LOGITS} or nothing, as {@code GraphDecoder}'s
     */
    public FastDecoder(DecoderGraph model, int batch, int maxLength, List<String> extraOutputs) {
        this(FastWeights.of(model), batch, maxLength, extraOutputs);
    }

    public FastDecoder(FastWeights weights, int batch, int maxLength, List<String> extraOutputs) {
        if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
        if (maxLength <= 0) throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        for (String name : extraOutputs) {
            if (!name.equals(ActionHeadRouter.LOGITS)) throw new IllegalArgumentException("FastDecoder cannot output '" + name + "'");
            if (!weights.hasRouter()) throw new IllegalArgumentException("the model has no router, so no '" + name + "'");
        }
        this.w = weights;
        this.c = weights.config();
        this.dt = weights.dtype();
        this.batch = batch;
        this.d = c.hiddenSize();
        this.heads = c.numAttentionHeads();
        this.kvHeads = c.numKeyValueHeads();
        this.headDim = c.headDim();
        this.rep = heads / kvHeads;
        this.ff = c.intermediateSize();
        this.qkvWidth = (heads + 2 * kvHeads) * headDim;
        this.ropeWidth = (heads + kvHeads) * headDim;
        this.routeLogits = !extraOutputs.isEmpty();
        this.capacity = maxLength;
        INDArray[] tables = ropeTables(Math.min(weights.maxPositions(), maxLength));
        this.cosTable = tables[0];
        this.sinTable = tables[1];
        this.keys = new INDArray[c.numHiddenLayers()];
        this.values = new INDArray[c.numHiddenLayers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = owned.track(Nd4j.create(dt, batch, kvHeads, capacity, headDim));
            values[l] = owned.track(Nd4j.create(dt, batch, kvHeads, capacity, headDim));
        }
        resetViews();
        this.valid = new int[batch][capacity];
        this.keyPosition = new int[batch][capacity];
        this.validCount = new int[batch];
    }

    @Override
    public long cachedLength() { return length; }

    /** Makes something that binds ops, keeping them to be closed with the decoder. */
    private <T> T owning(java.util.function.Supplier<T> make) {
        List<BoundOp> previous = BoundOp.collect(ops);
        try {
            return make.get();
        } finally {
            BoundOp.stopCollecting(previous);
        }
    }

    /** Releases the cache, the buffers, the op contexts and the last outputs: the decoder cannot be used afterwards. */
    @Override
    public void close() {
        ops.forEach(BoundOp::close);
        ops.clear();
        NativeArrays.close(prefillLogits);
        prefillLogits = null;
        stepScratch.close();
        owned.close();
        work.clear();
    }

    /**
     * Buffers for one step width T (prefill and single steps each get theirs, made on first use), and the ops bound to
     * them once ({@link BoundOp}): a step re-runs them on new contents instead of building ~25 ops per layer.
     *
     * <p>Above {@value #MATVEC_ROWS} rows the projections write column-major ({@code 'f'}) outputs: OpenBLAS's small-M
     * SGEMM is 1.3–1.5× faster that way round (measured at 8 rows: 42–49 vs 28–35 GFLOP/s on the decode shapes). The
     * residual stream and gate/up are only used element-wise and as GEMM inputs, so they stay column-major. The q/k/v
     * output is column-major at every row count, so that its rotary (q, k) and value columns are two contiguous blocks;
     * the op that applies the norm copies them into two row-major buffers. RoPE then works on whole contiguous arrays:
     * libnd4j's custom ops on a column range of a row-major array take a strided path (measured 43–47 µs against
     * 2 µs for [8, 768]), and each head's halves are swapped by two strided copies (legacy assign, ~6 µs for both)
     * where a column {@code gather} took 79 µs and {@code reverse} 1.7 ms.
     */
    private final class Work {
        final int t, n;
        final INDArray x, normed, qkvRaw, qk, v, swapped, cos, sin, gateUp, inv, queries, mixed, attnOut, hidden;
        final INDArray qPart, kPart, gatePart, upPart, invFlat;
        final INDArray firstHalves, secondHalves, swappedFirst, swappedSecond;   // [N·(H + Hkv), D/2] views
        final INDArray q4, k4, v4;                     // T = 1: the parts as [B, Hkv, rep or 1, D] views
        final INDArray ids, positions;                 // int32 [N], refilled each step
        final INDArray logitsRaw;                      // T = 1: [N, V] head output, copied out each step
        INDArray scoresFlat;                           // capacity-sized, viewed per S
        INDArray[] scoresByS;

        final BoundOp embed, cosGather, sinGather, sqnorm, qkScale, vScale, ropeCos, ropeSin, ropeAdd, gateUpScale,
                gateTimesUp, finalScale, finalNorm;
        final org.nd4j.linalg.api.ops.Op epsilon, rsqrt, swish;         // legacy transforms, built once
        final BoundOp[] inNorm, postNorm;                              // normed = x ⊙ (norm weight · sqrt(d))
        final AdaptedProjection[] qProj, kProj, vProj, oProj, gateProj, upProj, downProj;
        final BoundOp[] qkBias, vBias, oBias, gateUpBias, downBias;    // null entries where a layer has none
        final Projection headProj, routerProj;
        final BoundOp routerBias;
        final INDArray routerOut;
        BoundOp scoresOp, maskOp, softmaxOp, valuesOp;                  // rebound to each step's S

        Work(int t) {
            this.t = t;
            this.n = batch * t;
            char order = n > MATVEC_ROWS ? 'f' : 'c';
            x = owned.track(Nd4j.create(dt, new long[]{n, d}, order));
            normed = owned.track(Nd4j.create(dt, new long[]{n, d}, order));
            qkvRaw = owned.track(Nd4j.create(dt, new long[]{n, qkvWidth}, 'f'));
            qk = owned.track(Nd4j.create(dt, n, ropeWidth));
            v = owned.track(Nd4j.create(dt, n, (long) kvHeads * headDim));
            swapped = owned.track(Nd4j.create(dt, n, ropeWidth));
            cos = owned.track(Nd4j.create(dt, n, ropeWidth));
            sin = owned.track(Nd4j.create(dt, n, ropeWidth));
            gateUp = owned.track(Nd4j.create(dt, new long[]{n, 2L * ff}, order));
            inv = owned.track(Nd4j.create(dt, n, 1));
            queries = owned.track(Nd4j.create(dt, batch, kvHeads, (long) rep * t, headDim));
            mixed = owned.track(Nd4j.create(dt, n, (long) heads * headDim));
            attnOut = owned.track(Nd4j.create(dt, batch, kvHeads, (long) rep * t, headDim));
            hidden = owned.track(Nd4j.create(dt, n, d));
            ids = owned.track(Nd4j.create(DataType.INT32, n));
            positions = owned.track(Nd4j.create(DataType.INT32, n));
            INDArrayIndex all = NDArrayIndex.all();
            qPart = qk.get(all, NDArrayIndex.interval(0, heads * headDim));
            kPart = qk.get(all, NDArrayIndex.interval(heads * headDim, ropeWidth));
            long headRows = (long) n * (heads + kvHeads);
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

            embed = BoundOp.of("gather", new INDArray[]{w.embedding(), ids}, x, 0);
            cosGather = BoundOp.of("gather", new INDArray[]{cosTable, positions}, cos, 0);
            sinGather = BoundOp.of("gather", new INDArray[]{sinTable, positions}, sin, 0);
            // inv = rsqrt(Σx² + d·eps) = rsqrt(mean(x²) + eps) / sqrt(d); the sqrt(d) is folded into the weights
            sqnorm = BoundOp.of("reduce_sqnorm", new INDArray[]{x}, invFlat, 1);
            epsilon = new ScalarAdd(inv, null, inv, d * c.rmsNormEps());
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
            INDArray headInput = t == 1 ? mixed1() : mixed;
            int q = heads * headDim;
            INDArray qBlock = qkvRaw.get(all, NDArrayIndex.interval(0, q));       // contiguous column blocks
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
            // single steps reuse one head output (see the class comment); a prefill's logits go into a fresh array
            logitsRaw = t == 1 ? owned.track(Nd4j.create(dt, new long[]{n, c.vocabSize()}, order)) : null;
            headProj = t == 1 ? new Projection(hidden, w.head(), logitsRaw, false) : null;
            routerOut = routeLogits ? owned.track(Nd4j.create(dt, n, 2)) : null;
            routerProj = routeLogits ? new Projection(hidden, w.routerWeight(), routerOut, false) : null;
            routerBias = routeLogits ? BoundOp.pairwise("add", routerOut, w.routerBias(), routerOut) : null;
        }

        private final Map<Integer, INDArray> lows = new HashMap<>();

        /** The {@code [N, r]} scratch buffer of a rank-r adapter (null without one). */
        private INDArray low(FastWeights.Adapter a) {
            return a == null ? null : lows.computeIfAbsent((int) a.a().size(0), r -> owned.track(Nd4j.create(dt, (long) n, r)));
        }

        private Mixture mixture;

        /** The hybrid-input ops for K soft ids per position (made on first use). */
        Mixture mixture(int k) {
            if (mixture == null || mixture.k != k) mixture = owning(() -> new Mixture(this, k));
            return mixture;
        }

        /** T = 1: the attention output read as {@code [B, H·D]} (query head j·rep + r is column block j·rep + r). */
        private INDArray mixed1() {
            return attnOut.reshape(n, (long) heads * headDim);
        }

        /** A view of the score buffer for S attended positions. */
        INDArray scores(int s) {
            if (scoresByS == null || s >= scoresByS.length) {
                int cap = Math.max(capacity, s) + 1;
                scoresFlat = owned.track(Nd4j.createUninitialized(dt, (long) batch * heads * t * cap));
                scoresByS = new INDArray[cap];
            }
            if (scoresByS[s] == null) {
                scoresByS[s] = scoresFlat.get(NDArrayIndex.interval(0, (long) batch * heads * t * s)).reshape(batch, kvHeads, (long) rep * t, s);
            }
            return scoresByS[s];
        }
    }

    /** {@code x = Σ_j weights_j · E[ids_j]} over K + 1 ids per position: TARPO's hybrid input, bound once. */
    private final class Mixture {
        final int k;
        private final INDArray rows;
        private final BoundOp gather, weigh, sum;

        Mixture(Work wk, int k) {
            this.k = k;
            rows = owned.track(Nd4j.create(dt, (long) wk.n * (k + 1), d));
            INDArray slots = rows.reshape(wk.n, k + 1, d);
            INDArray noIds = owned.track(Nd4j.create(DataType.INT32, (long) wk.n * (k + 1))), noWeights = owned.track(Nd4j.create(dt, wk.n, k + 1, 1));
            gather = BoundOp.of("gather", new INDArray[]{w.embedding(), noIds}, rows, 0);
            weigh = BoundOp.pairwise("multiply", slots, noWeights, slots);
            sum = BoundOp.of("reduce_sum", new INDArray[]{slots}, wk.x, 1);
        }

        /** @param ids int32 {@code [N·(K+1)]}, @param weights {@code [N, K+1, 1]} */
        void run(INDArray ids, INDArray weights) {
            gather.input(1, ids).run();
            weigh.input(1, weights).run();
            sum.run();
        }
    }

    @Override
    public StepOutput forward(StepInput in) {
        mark = System.nanoTime();
        NativeArrays.close(prefillLogits);
        prefillLogits = null;
        int t = (int) in.length();
        if (in.batch() != batch) throw new IllegalArgumentException("decoder has " + batch + " rows, input has " + in.batch());
        if (t <= 0) throw new IllegalArgumentException("no positions to feed");
        int[][] pos = HostArrays.intMatrix(in.positionIds()), newValid = HostArrays.intMatrix(in.validity());
        int[] flatPos = new int[batch * t];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < t; j++) {
                int p = pos[b][j];
                if (p < 0 || p >= w.maxPositions()) {
                    throw new IllegalArgumentException("position " + p + " is outside the model's " + w.maxPositions() + " positions");
                }
                flatPos[b * t + j] = p;
            }
        }
        ensureCapacity(length + t);
        ensureTables(pos);
        Work wk = work.computeIfAbsent(t, n -> owning(() -> new Work(n)));
        int start = length, s = length + t;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < t; j++) {
                validCount[b] += newValid[b][j] != 0 ? 1 : 0;
                valid[b][start + j] = newValid[b][j] != 0 ? 1 : 0;
                keyPosition[b][start + j] = validCount[b] - 1;
            }
        }

        embed(in, wk);
        wk.positions.data().setData(flatPos);
        wk.cosGather.input(0, cosTable).run();
        wk.sinGather.input(0, sinTable).run();
        INDArray bias = maskBias(pos, t, s);   // [B, 1, rep·T, S], or null when every key is visible
        lap(0, t);

        for (int l = 0; l < keys.length; l++) {
            // attention block: x += o(attn(rope(qkv(norm(x)))))  — the rows' rsqrt scale applied after the products
            rmsInverse(wk);
            wk.inNorm[l].run();
            lap(1, t);
            wk.qProj[l].run();
            wk.kProj[l].run();
            wk.vProj[l].run();
            lap(2, t);
            wk.qkScale.run();
            wk.vScale.run();
            if (wk.qkBias[l] != null) wk.qkBias[l].run();
            if (wk.vBias[l] != null) wk.vBias[l].run();
            wk.swappedFirst.assign(wk.secondHalves);
            wk.swappedSecond.assign(wk.firstHalves);
            wk.ropeCos.run();
            wk.ropeSin.run();
            wk.ropeAdd.run();
            lap(3, t);
            storeCache(wk, l, start);
            lap(4, t);
            attention(wk, l, s, bias);
            lap(5, t);
            wk.oProj[l].run();
            if (wk.oBias[l] != null) wk.oBias[l].run();
            lap(6, t);
            // MLP block: x += down(silu(gate) · up)
            rmsInverse(wk);
            wk.postNorm[l].run();
            lap(1, t);
            wk.gateProj[l].run();
            wk.upProj[l].run();
            lap(7, t);
            wk.gateUpScale.run();
            if (wk.gateUpBias[l] != null) wk.gateUpBias[l].run();
            Nd4j.getExecutioner().exec(wk.swish);
            wk.gateTimesUp.run();
            lap(8, t);
            wk.downProj[l].run();
            if (wk.downBias[l] != null) wk.downBias[l].run();
            lap(9, t);
        }
        length = s;

        rmsInverse(wk);
        wk.finalScale.run();
        wk.finalNorm.run();
        lap(10, t);
        INDArray logits;
        if (t == 1) {
            wk.headProj.run();
            logits = wk.logitsRaw;
        } else {
            logits = prefillLogits = Nd4j.create(dt, wk.n, c.vocabSize());
            Nd4j.gemm(wk.hidden, w.head(), logits, false, true, 1.0, 0.0);
        }
        lap(11, t);
        Map<String, INDArray> extra = new LinkedHashMap<>();
        if (routeLogits) {
            wk.routerProj.run();
            wk.routerBias.run();
            extra.put(ActionHeadRouter.LOGITS, wk.routerOut);
        }
        lap(12, t);
        if (profile != null && t == 1) profile.steps++;
        stepScratch.close();
        return new StepOutput(logits, wk.hidden, extra);
    }

    /** {@code inv = rsqrt(Σx² + d·eps)}, {@code [N, 1]}, three ops in place. */
    private static void rmsInverse(Work wk) {
        wk.sqnorm.run();
        Nd4j.getExecutioner().exec(wk.epsilon);
        Nd4j.getExecutioner().exec(wk.rsqrt);
    }

    /** Up to this many rows go through one matrix-vector product each instead of one GEMM. */
    static final int MATVEC_ROWS = 4;

    /** Writes the T new positions' keys and values into layer l's cache. */
    private void storeCache(Work wk, int l, int start) {
        INDArrayIndex all = NDArrayIndex.all();
        if (wk.t == 1) {
            slot(keySlots, keys, l, start).assign(wk.k4);
            slot(valueSlots, values, l, start).assign(wk.v4);
        } else {
            INDArrayIndex slot = NDArrayIndex.interval(start, start + wk.t);
            keys[l].get(all, all, slot, all).assign(wk.kPart.reshape(batch, wk.t, kvHeads, headDim).permute(0, 2, 1, 3));
            values[l].get(all, all, slot, all).assign(wk.v.reshape(batch, wk.t, kvHeads, headDim).permute(0, 2, 1, 3));
        }
    }

    // views of the caches, made once per layer and position (cleared when the cache grows)
    private INDArray[][] keySlots, valueSlots, keysUpTo, valuesUpTo;

    private INDArray slot(INDArray[][] slots, INDArray[] cache, int l, int p) {
        if (slots[l][p] == null) {
            INDArrayIndex all = NDArrayIndex.all();
            slots[l][p] = cache[l].get(all, all, NDArrayIndex.interval(p, p + 1), all);
        }
        return slots[l][p];
    }

    private INDArray upTo(INDArray[][] views, INDArray[] cache, int l, int s) {
        if (views[l][s] == null) {
            INDArrayIndex all = NDArrayIndex.all();
            views[l][s] = cache[l].get(all, all, NDArrayIndex.interval(0, s), all);
        }
        return views[l][s];
    }

    private void resetViews() {
        int layers = keys.length;
        keySlots = new INDArray[layers][capacity + 1];
        valueSlots = new INDArray[layers][capacity + 1];
        keysUpTo = new INDArray[layers][capacity + 1];
        valuesUpTo = new INDArray[layers][capacity + 1];
    }

    /**
     * Grouped-query attention over the S cached positions into {@code wk.attnOut}; for T &gt; 1 also rearranged into
     * {@code wk.mixed} ({@code [B·T, H·D]}), which T = 1 reads as a view.
     */
    private void attention(Work wk, int layer, int s, INDArray bias) {
        INDArray q;
        if (wk.t == 1) {
            q = wk.q4;
        } else {
            wk.queries.assign(wk.qPart.reshape(batch, wk.t, kvHeads, rep, headDim).permute(0, 2, 3, 1, 4)
                    .reshape(batch, kvHeads, (long) rep * wk.t, headDim));
            q = wk.queries;
        }
        INDArray scores = wk.scores(s), k = upTo(keysUpTo, keys, layer, s), v = upTo(valuesUpTo, values, layer, s);
        if (wk.scoresOp == null) {
            INDArray query = q;
            owning(() -> {
                wk.scoresOp = BoundOp.of("matmul", new INDArray[]{query, k}, scores, 0, 1);
                wk.softmaxOp = BoundOp.of("softmax", new INDArray[]{scores}, scores, 3);
                wk.valuesOp = BoundOp.of("matmul", new INDArray[]{scores, v}, wk.attnOut);
                return null;
            });
        }
        wk.scoresOp.input(1, k).output(0, scores).run();
        if (bias != null) {
            if (wk.maskOp == null) wk.maskOp = owning(() -> BoundOp.pairwise("add", scores, bias, scores));
            wk.maskOp.input(0, scores).input(1, bias).output(0, scores).run();
        }
        wk.softmaxOp.input(0, scores).output(0, scores).run();
        wk.valuesOp.input(0, scores).input(1, v).run();
        if (wk.t > 1) {
            wk.mixed.assign(wk.attnOut.reshape(batch, kvHeads, rep, wk.t, headDim).permute(0, 3, 1, 2, 4)
                    .reshape(wk.n, (long) heads * headDim));
        }
    }

    /**
     * The additive mask of {@link AttentionMask}: query (b, t) sees key j iff key j is valid and its position
     * ({@code cumsum(valid) - 1}) is not after the query's. Null when every query sees every key.
     */
    private INDArray maskBias(int[][] pos, int t, int s) {
        float[] bias = new float[batch * rep * t * s];
        boolean any = false;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < t; j++) {
                int base = (b * rep * t + j) * s;
                for (int k = 0; k < s; k++) {
                    boolean allowed = valid[b][k] != 0 && keyPosition[b][k] <= pos[b][j];
                    if (!allowed) {
                        bias[base + k] = (float) AttentionMask.MASKED;
                        any = true;
                    }
                }
                for (int r = 1; r < rep; r++) System.arraycopy(bias, base, bias, base + r * t * s, s);
            }
        }
        if (!any) return null;
        INDArray floats = stepScratch.track(Nd4j.create(bias, new long[]{batch, 1, (long) rep * t, s}, DataType.FLOAT));
        return dt == DataType.FLOAT ? floats : stepScratch.track(floats.castTo(dt));
    }

    /** The T new positions' input embeddings into {@code wk.x}. */
    private void embed(StepInput in, Work wk) {
        int n = wk.n;
        int[] ids = HostArrays.ints(in.inputIds());
        for (int id : ids) {
            if (id < 0 || id >= c.vocabSize()) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
        }
        if (w.inputs() == FastWeights.Inputs.TOKENS || allZero(in.extra().get(HybridEmbeddingMixer.ROUTES))) {
            wk.ids.data().setData(ids);
            wk.embed.run();
            return;
        }
        INDArray softIdArray = require(in, HybridEmbeddingMixer.SOFT_IDS);
        int k = (int) softIdArray.size(2);
        if (w.inputs() == FastWeights.Inputs.HYBRID) {
            // Σ_j weights_j · E[ids_j] with ids = [token, soft ids], weights = [1 - r, r · soft weights]
            int[] softIds = HostArrays.ints(softIdArray);
            float[] softWeights = HostArrays.floats(require(in, HybridEmbeddingMixer.SOFT_WEIGHTS));
            float[] routes = HostArrays.floats(require(in, HybridEmbeddingMixer.ROUTES));
            int[] allIds = new int[n * (k + 1)];
            double[] weights = new double[n * (k + 1)];
            for (int row = 0; row < n; row++) {
                int base = row * (k + 1);
                allIds[base] = ids[row];
                weights[base] = 1.0 - (double) routes[row];
                for (int j = 0; j < k; j++) {
                    allIds[base + 1 + j] = softIds[row * k + j];
                    weights[base + 1 + j] = (double) routes[row] * softWeights[row * k + j];
                }
            }
            wk.mixture(k).run(stepScratch.track(Nd4j.createFromArray(allIds)),
                    stepScratch.track(Nd4j.create(weights, new long[]{n, k + 1, 1}, dt)));
            return;
        }
        INDArray idArray = stepScratch.track(Nd4j.createFromArray(ids));
        INDArray softIds = softIdArray.castTo(DataType.INT32);
        INDArray softWeights = require(in, HybridEmbeddingMixer.SOFT_WEIGHTS).castTo(dt).reshape(n, k);
        INDArray routes = require(in, HybridEmbeddingMixer.ROUTES).castTo(dt).reshape(n, 1);
        // HRPO: a ⊙ e + sqrt(1 - a² + 1e-8) ⊙ (i ⊙ p E / ‖p‖) where routes are 1, e elsewhere
        FastWeights.HrpoGate g = w.gate();
        INDArray e = stepScratch.track(Nd4j.create(dt, n, d));
        gather(w.embedding(), idArray, e, 0);
        INDArray norm = stepScratch.track(Transforms.sqrt(stepScratch.track(stepScratch.track(softWeights.mul(softWeights)).sum(true, 1)).addi(1e-12), false));
        INDArray wn = stepScratch.track(softWeights.divColumnVector(norm));
        INDArray rows = stepScratch.track(Nd4j.create(dt, (long) n * k, d));
        gather(w.embedding(), softIds.reshape((long) n * k), rows, 0);
        INDArray mixture = stepScratch.track(rows.reshape(n, k, d).muli(wn.reshape(n, k, 1)).sum(1));
        INDArray r = stepScratch.track(Nd4j.create(dt, n, d)), i = stepScratch.track(Nd4j.create(dt, n, d));
        Nd4j.gemm(e, g.rWeight(), r, false, true, 1.0, 0.0);
        Transforms.sigmoid(r.addiRowVector(g.rBias()), false);
        Nd4j.gemm(e, g.iWeight(), i, false, true, 1.0, 0.0);
        Transforms.sigmoid(i.addiRowVector(g.iBias()), false);
        INDArray decay = stepScratch.track(Transforms.softPlus(stepScratch.track(g.lambda().neg()), false).muli(-HrpoGateMixer.C));  // [1, d]
        INDArray a = Transforms.exp(r.muliRowVector(decay), false);
        INDArray gated = stepScratch.track(a.mul(e)).addi(stepScratch.track(Transforms.sqrt(stepScratch.track(a.mul(a)).rsubi(1.0).addi(1e-8), false)).muli(i.muli(mixture)));
        wk.x.assign(gated.muliColumnVector(routes).addi(e.muliColumnVector(stepScratch.track(routes.rsub(1.0)))));
    }

    private static void gather(INDArray table, INDArray indices, INDArray out, int axis) {
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(table, indices).addOutputs(out).addIntegerArguments(axis).build());
    }

    private static INDArray require(StepInput in, String name) {
        INDArray a = in.extra().get(name);
        if (a == null) throw new IllegalArgumentException("this model's inputs need '" + name + "'");
        return a;
    }

    private static boolean allZero(INDArray routes) {
        return routes == null || routes.amaxNumber().doubleValue() == 0.0;
    }

    private void ensureCapacity(int needed) {
        if (needed <= capacity) return;
        int grown = Math.max(needed, 2 * capacity);
        for (int l = 0; l < keys.length; l++) {
            keys[l] = grow(keys[l], grown);
            values[l] = grow(values[l], grown);
        }
        for (int b = 0; b < batch; b++) {
            valid[b] = java.util.Arrays.copyOf(valid[b], grown);
            keyPosition[b] = java.util.Arrays.copyOf(keyPosition[b], grown);
        }
        capacity = grown;
        resetViews();
    }

    private INDArray grow(INDArray cache, int grown) {
        INDArray bigger = owned.track(Nd4j.create(dt, batch, kvHeads, grown, headDim));
        if (length > 0) {
            INDArrayIndex all = NDArrayIndex.all(), used = NDArrayIndex.interval(0, length);
            bigger.get(all, all, used, all).assign(cache.get(all, all, used, all));
        }
        return bigger;
    }

    /** Widens the rotary tables when a position beyond them comes (positions may exceed the cache length). */
    private void ensureTables(int[][] pos) {
        int max = 0;
        for (int[] row : pos) for (int p : row) max = Math.max(max, p);
        if (max < cosTable.size(0)) return;
        INDArray[] tables = ropeTables(Math.min(w.maxPositions(), Math.max(max + 1, 2 * (int) cosTable.size(0))));
        cosTable = tables[0];
        sinTable = tables[1];
    }

    /**
     * cos and sin of every position, widened to {@code [positions, (H + Hkv)·D]} the way
     * {@link org.tarpo4j.layers.RotaryEmbedding#applyToRows} widens them: query columns scaled by {@code 1/sqrt(D)},
     * the first half of each head's sin negated (rotate-half applied to the swapped halves).
     */
    private INDArray[] ropeTables(int positions) {
        RopeScaling scaling = c.ropeScaling() == null ? RopeScaling.NONE : c.ropeScaling();
        float[] inv = scaling.inverseFrequencies(headDim, c.ropeTheta());
        int half = headDim / 2;
        double qScale = 1.0 / Math.sqrt(headDim);
        double[] cos = new double[positions * ropeWidth], sin = new double[positions * ropeWidth];
        for (int p = 0; p < positions; p++) {
            for (int col = 0; col < ropeWidth; col++) {
                int i = col % headDim;
                float angle = p * inv[i % half];
                double scale = col < heads * headDim ? qScale : 1.0;
                cos[p * ropeWidth + col] = Math.cos(angle) * scale;
                sin[p * ropeWidth + col] = Math.sin(angle) * scale * (i < half ? -1 : 1);
            }
        }
        return new INDArray[]{owned.track(Nd4j.create(cos, new long[]{positions, ropeWidth}, dt)),
                owned.track(Nd4j.create(sin, new long[]{positions, ropeWidth}, dt))};
    }
}

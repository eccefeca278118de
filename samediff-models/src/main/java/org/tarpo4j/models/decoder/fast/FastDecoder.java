package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.floating.RSqrt;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tarpo4j.layers.AttentionMask;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.HrpoGateMixer;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.StepOutput;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link IncrementalDecoder} that runs a {@link DecoderGraph}'s model with eager ND4J operations on preallocated
 * buffers instead of a SameDiff session per step: ~25 ops per layer, most of them in place, GEMMs written into
 * existing arrays (the residual added by the GEMM itself, {@code beta = 1}), a KV cache preallocated to a maximum
 * length, and the attention mask built on the Java side (a few hundred numbers per step). Proven equal to
 * {@link org.tarpo4j.models.decoder.GraphDecoder} by {@code FastDecoderTest}.
 *
 * <p>Same inputs and outputs as the graph: plain token inputs, TARPO's hybrid inputs and HRPO's gated inputs (the
 * {@link HybridEmbeddingMixer} placeholders in {@link StepInput#extra()}), left-padded rows with per-row positions and
 * the {@link AttentionMask} rule, prefill of T &gt; 1 positions and single-token steps, LoRA (merged into the weights),
 * and TARPO's router logits as {@code extra.get(}{@value ActionHeadRouter#LOGITS}{@code )} when asked for.
 *
 * <p>Weights are a {@link FastWeights} snapshot: build a decoder after each optimizer step (as the rollout does, one
 * per rollout). The cache grows (by copying) if more than {@code maxLength} positions are fed; size it to avoid that.
 * Outputs are fresh arrays, not views of the decoder's buffers. Not thread-safe.
 */
public final class FastDecoder implements IncrementalDecoder {
    private final FastWeights w;
    private final ModelConfig c;
    private final DataType dt;
    private final int batch, d, heads, kvHeads, headDim, rep, ff, qkvWidth, ropeWidth;
    private final boolean routeLogits;
    private INDArray cosTable, sinTable;         // [positions, (H + Hkv)·D]: scale and rotate-half sign folded in
    private final INDArray swapIndex;            // column permutation that swaps the halves of each head
    private INDArray[] keys, values;             // [B, Hkv, capacity, D]
    private int capacity, length;
    private int[][] valid, keyPosition;          // per row and cached position
    private final int[] validCount;
    private final Map<Integer, Work> work = new HashMap<>();

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
        int[] swap = new int[ropeWidth];
        for (int col = 0; col < ropeWidth; col++) {
            int i = col % headDim;
            swap[col] = col - i + (i + headDim / 2) % headDim;
        }
        this.swapIndex = Nd4j.createFromArray(swap);
        this.keys = new INDArray[c.numHiddenLayers()];
        this.values = new INDArray[c.numHiddenLayers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = Nd4j.create(dt, batch, kvHeads, capacity, headDim);
            values[l] = Nd4j.create(dt, batch, kvHeads, capacity, headDim);
        }
        this.valid = new int[batch][capacity];
        this.keyPosition = new int[batch][capacity];
        this.validCount = new int[batch];
    }

    @Override
    public long cachedLength() { return length; }

    /** Buffers for one step width T (prefill and single steps each get theirs, made on first use). */
    private final class Work {
        final int t, n;
        final INDArray x, qkv, swapped, cos, sin, gateUp, inv, queries, mixed;
        final INDArray ropePart, qPart, kPart, vPart, gatePart, upPart;

        Work(int t) {
            this.t = t;
            this.n = batch * t;
            x = Nd4j.create(dt, n, d);
            qkv = Nd4j.create(dt, n, qkvWidth);
            swapped = Nd4j.create(dt, n, ropeWidth);
            cos = Nd4j.create(dt, n, ropeWidth);
            sin = Nd4j.create(dt, n, ropeWidth);
            gateUp = Nd4j.create(dt, n, 2L * ff);
            inv = Nd4j.create(dt, n, 1);
            queries = Nd4j.create(dt, batch, kvHeads, (long) rep * t, headDim);
            mixed = Nd4j.create(dt, n, (long) heads * headDim);
            INDArrayIndex all = NDArrayIndex.all();
            ropePart = qkv.get(all, NDArrayIndex.interval(0, ropeWidth));
            qPart = qkv.get(all, NDArrayIndex.interval(0, heads * headDim));
            kPart = qkv.get(all, NDArrayIndex.interval(heads * headDim, ropeWidth));
            vPart = qkv.get(all, NDArrayIndex.interval(ropeWidth, qkvWidth));
            gatePart = gateUp.get(all, NDArrayIndex.interval(0, ff));
            upPart = gateUp.get(all, NDArrayIndex.interval(ff, 2 * ff));
        }
    }

    @Override
    public StepOutput forward(StepInput in) {
        int t = (int) in.length();
        if (in.batch() != batch) throw new IllegalArgumentException("decoder has " + batch + " rows, input has " + in.batch());
        if (t <= 0) throw new IllegalArgumentException("no positions to feed");
        int[][] pos = in.positionIds().toIntMatrix(), newValid = in.validity().toIntMatrix();
        for (int[] row : pos) for (int p : row) {
            if (p < 0 || p >= w.maxPositions()) {
                throw new IllegalArgumentException("position " + p + " is outside the model's " + w.maxPositions() + " positions");
            }
        }
        ensureCapacity(length + t);
        ensureTables(pos);
        Work wk = work.computeIfAbsent(t, Work::new);
        int start = length, s = length + t;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < t; j++) {
                validCount[b] += newValid[b][j] != 0 ? 1 : 0;
                valid[b][start + j] = newValid[b][j] != 0 ? 1 : 0;
                keyPosition[b][start + j] = validCount[b] - 1;
            }
        }

        embed(in, wk);
        INDArray posFlat = in.positionIds().castTo(DataType.INT32).reshape(wk.n);
        gather(cosTable, posFlat, wk.cos, 0);
        gather(sinTable, posFlat, wk.sin, 0);
        INDArray bias = maskBias(pos, t, s);   // [B, 1, rep·T, S], or null when every key is visible

        for (int l = 0; l < keys.length; l++) {
            FastWeights.Layer layer = w.layers().get(l);
            // attention block: x += o(attn(rope(qkv(norm(x)))))  — the norm weight is folded into qkv
            rmsInverse(wk.x, wk.inv);
            Nd4j.gemm(wk.x, layer.qkv(), wk.qkv, false, true, 1.0, 0.0);
            wk.qkv.muliColumnVector(wk.inv);
            if (layer.qkvBias() != null) wk.qkv.addiRowVector(layer.qkvBias());
            gather(wk.qkv, swapIndex, wk.swapped, 1);
            wk.ropePart.muli(wk.cos);
            wk.swapped.muli(wk.sin);
            wk.ropePart.addi(wk.swapped);
            storeCache(wk, keys[l], wk.kPart, start);
            storeCache(wk, values[l], wk.vPart, start);
            attention(wk, l, s, bias);
            Nd4j.gemm(wk.mixed, layer.o(), wk.x, false, true, 1.0, 1.0);
            if (layer.oBias() != null) wk.x.addiRowVector(layer.oBias());
            // MLP block: x += down(silu(gate) · up), the post-attention norm weight folded into gate/up
            rmsInverse(wk.x, wk.inv);
            Nd4j.gemm(wk.x, layer.gateUp(), wk.gateUp, false, true, 1.0, 0.0);
            wk.gateUp.muliColumnVector(wk.inv);
            if (layer.gateUpBias() != null) wk.gateUp.addiRowVector(layer.gateUpBias());
            Nd4j.getExecutioner().exec(new Swish(wk.gatePart, wk.gatePart));
            wk.gatePart.muli(wk.upPart);
            Nd4j.gemm(wk.gatePart, layer.down(), wk.x, false, true, 1.0, 1.0);
            if (layer.downBias() != null) wk.x.addiRowVector(layer.downBias());
        }
        length = s;

        INDArray hidden = Nd4j.create(dt, wk.n, d);
        rmsInverse(wk.x, wk.inv);
        hidden.assign(wk.x).muliColumnVector(wk.inv).muliRowVector(w.finalNorm());
        INDArray logits = Nd4j.create(dt, wk.n, c.vocabSize());
        Nd4j.gemm(hidden, w.head(), logits, false, true, 1.0, 0.0);
        Map<String, INDArray> extra = new LinkedHashMap<>();
        if (routeLogits) {
            INDArray r = Nd4j.create(dt, wk.n, 2);
            Nd4j.gemm(hidden, w.routerWeight(), r, false, true, 1.0, 0.0);
            r.addiRowVector(w.routerBias());
            extra.put(ActionHeadRouter.LOGITS, r);
        }
        return new StepOutput(logits, hidden, extra);
    }

    /** {@code inv = rsqrt(Σx² / d + eps)}, {@code [N, 1]}: four ops, in place. */
    private void rmsInverse(INDArray x, INDArray inv) {
        Nd4j.exec(DynamicCustomOp.builder("reduce_sqnorm").addInputs(x).addOutputs(inv.reshape(inv.length()))
                .addIntegerArguments(1).build());
        inv.muli(1.0 / d).addi(c.rmsNormEps());
        Nd4j.getExecutioner().exec(new RSqrt(inv, inv));
    }

    private static void gather(INDArray table, INDArray indices, INDArray out, int axis) {
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(table, indices).addOutputs(out).addIntegerArguments(axis).build());
    }

    /** Writes the T new positions' keys or values ({@code [B·T, Hkv·D]}, a view of qkv) into the cache. */
    private void storeCache(Work wk, INDArray cache, INDArray part, int start) {
        INDArray slot = cache.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, start + wk.t), NDArrayIndex.all());
        if (wk.t == 1) {
            slot.assign(part.reshape(batch, kvHeads, 1, headDim));
        } else {
            slot.assign(part.reshape(batch, wk.t, kvHeads, headDim).permute(0, 2, 1, 3));
        }
    }

    /** Grouped-query attention over the S cached positions into {@code wk.mixed [B·T, H·D]}. */
    private void attention(Work wk, int layer, int s, INDArray bias) {
        INDArray q;
        if (wk.t == 1) {
            q = wk.qPart.reshape(batch, kvHeads, rep, headDim);   // query head j·rep + r uses KV head j
        } else {
            wk.queries.assign(wk.qPart.reshape(batch, wk.t, kvHeads, rep, headDim).permute(0, 2, 3, 1, 4)
                    .reshape(batch, kvHeads, (long) rep * wk.t, headDim));
            q = wk.queries;
        }
        INDArrayIndex all = NDArrayIndex.all(), upToS = NDArrayIndex.interval(0, s);
        INDArray k = keys[layer].get(all, all, upToS, all), v = values[layer].get(all, all, upToS, all);
        INDArray scores = Nd4j.create(dt, batch, kvHeads, (long) rep * wk.t, s);
        Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(q, k).addOutputs(scores).addIntegerArguments(0, 1).build());
        if (bias != null) scores.addi(bias);
        Nd4j.exec(DynamicCustomOp.builder("softmax").addInputs(scores).addOutputs(scores).addIntegerArguments(3).build());
        INDArray out = Nd4j.create(dt, batch, kvHeads, (long) rep * wk.t, headDim);
        Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(scores, v).addOutputs(out).build());
        if (wk.t == 1) {
            wk.mixed.assign(out.reshape(batch, (long) heads * headDim));
        } else {
            wk.mixed.assign(out.reshape(batch, kvHeads, rep, wk.t, headDim).permute(0, 3, 1, 2, 4)
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
        return Nd4j.create(bias, new long[]{batch, 1, (long) rep * t, s}, DataType.FLOAT).castTo(dt);
    }

    /** The T new positions' input embeddings into {@code wk.x}. */
    private void embed(StepInput in, Work wk) {
        INDArray ids = in.inputIds().castTo(DataType.INT32).reshape(wk.n);
        for (int id : ids.toIntVector()) {
            if (id < 0 || id >= c.vocabSize()) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
        }
        if (w.inputs() == FastWeights.Inputs.TOKENS || allZero(in.extra().get(HybridEmbeddingMixer.ROUTES))) {
            gather(w.embedding(), ids, wk.x, 0);
            return;
        }
        INDArray softIds = require(in, HybridEmbeddingMixer.SOFT_IDS).castTo(DataType.INT32);
        int k = (int) softIds.size(2);
        INDArray softWeights = require(in, HybridEmbeddingMixer.SOFT_WEIGHTS).castTo(dt).reshape(wk.n, k);
        INDArray routes = require(in, HybridEmbeddingMixer.ROUTES).castTo(dt).reshape(wk.n, 1);
        if (w.inputs() == FastWeights.Inputs.HYBRID) {
            // Σ_j weights_j · E[ids_j] with ids = [token, soft ids], weights = [1 - r, r · soft weights]
            INDArray allIds = Nd4j.concat(1, ids.reshape(wk.n, 1), softIds.reshape(wk.n, k));
            INDArray weights = Nd4j.concat(1, routes.rsub(1.0), softWeights.mulColumnVector(routes));
            INDArray rows = Nd4j.create(dt, (long) wk.n * (k + 1), d);
            gather(w.embedding(), allIds.reshape((long) wk.n * (k + 1)), rows, 0);
            INDArray slots = rows.reshape(wk.n, k + 1, d).muli(weights.reshape(wk.n, k + 1, 1));
            Nd4j.exec(DynamicCustomOp.builder("reduce_sum").addInputs(slots).addOutputs(wk.x).addIntegerArguments(1).build());
            return;
        }
        // HRPO: a ⊙ e + sqrt(1 - a² + 1e-8) ⊙ (i ⊙ p E / ‖p‖) where routes are 1, e elsewhere
        FastWeights.HrpoGate g = w.gate();
        INDArray e = Nd4j.create(dt, wk.n, d);
        gather(w.embedding(), ids, e, 0);
        INDArray norm = Transforms.sqrt(softWeights.mul(softWeights).sum(true, 1).addi(1e-12), false);
        INDArray wn = softWeights.divColumnVector(norm);
        INDArray rows = Nd4j.create(dt, (long) wk.n * k, d);
        gather(w.embedding(), softIds.reshape((long) wk.n * k), rows, 0);
        INDArray mixture = rows.reshape(wk.n, k, d).muli(wn.reshape(wk.n, k, 1)).sum(1);
        INDArray r = Nd4j.create(dt, wk.n, d), i = Nd4j.create(dt, wk.n, d);
        Nd4j.gemm(e, g.rWeight(), r, false, true, 1.0, 0.0);
        Transforms.sigmoid(r.addiRowVector(g.rBias()), false);
        Nd4j.gemm(e, g.iWeight(), i, false, true, 1.0, 0.0);
        Transforms.sigmoid(i.addiRowVector(g.iBias()), false);
        INDArray decay = Transforms.softPlus(g.lambda().neg(), false).muli(-HrpoGateMixer.C);  // [1, d]
        INDArray a = Transforms.exp(r.muliRowVector(decay), false);
        INDArray gated = a.mul(e).addi(Transforms.sqrt(a.mul(a).rsubi(1.0).addi(1e-8), false).muli(i.muli(mixture)));
        wk.x.assign(gated.muliColumnVector(routes).addi(e.muliColumnVector(routes.rsub(1.0))));
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
    }

    private INDArray grow(INDArray cache, int grown) {
        INDArray bigger = Nd4j.create(dt, batch, kvHeads, grown, headDim);
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
        return new INDArray[]{Nd4j.create(cos, new long[]{positions, ropeWidth}, dt),
                Nd4j.create(sin, new long[]{positions, ropeWidth}, dt)};
    }
}

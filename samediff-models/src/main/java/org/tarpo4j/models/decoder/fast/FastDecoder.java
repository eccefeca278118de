package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.AttentionMask;
import org.tarpo4j.layers.core.HostArrays;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
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
 * buffers instead of a SameDiff session per step: ~25 ops per layer, each bound once to its buffers
 * ({@link StepBuffers}), most of them in place, GEMMs written into existing arrays (the residual added by the GEMM
 * itself, {@code beta = 1}), a KV cache preallocated to a maximum length ({@link KvCache}), and the attention mask
 * built on the Java side ({@link MaskBias}). Proven equal to {@link org.tarpo4j.models.decoder.GraphDecoder} by
 * {@code FastDecoderTest}.
 *
 * <p>Same inputs and outputs as the graph: plain token inputs, TARPO's hybrid inputs and HRPO's gated inputs (the
 * {@link HybridEmbeddingMixer} placeholders in {@link StepInput#extra()}, {@link InputEmbedding}), left-padded rows with
 * per-row positions and the {@link AttentionMask} rule, prefill of T &gt; 1 positions and single-token steps, LoRA (its
 * adapters beside the projections), and TARPO's router logits as {@code extra.get(}{@value ActionHeadRouter#LOGITS}{@code )}
 * when asked for.
 *
 * <p>Weights are the model's own arrays ({@link FastWeights}: no copy of any matrix), read at every step. The cache
 * grows (by copying) if more than {@code maxLength} positions are fed; size it to avoid that. Every output is the
 * decoder's own buffer, valid until the next call (a fresh {@code [B, V]} array for a step's logits cost ~170 µs a step
 * at B = 8, V = 8192, mostly page faults; fresh outputs also wait for the garbage collector to free them); logits may be
 * column-major. {@link #close} releases every native buffer at once. Not thread-safe.
 */
public final class FastDecoder implements IncrementalDecoder {
    /** Up to this many rows go through one matrix-vector product each instead of one GEMM. */
    static final int MATVEC_ROWS = 4;

    private final FastWeights w;
    private final Dims dims;
    private final DataType dt;
    private final boolean routeLogits;
    private final Resources owned = new Resources();              // buffers, cache, tables, op contexts: close()
    private final NativeArrays stepScratch = new NativeArrays();  // a step's temporaries: released when it ends
    private final RopeTables rope;
    private final KvCache cache;
    private final InputEmbedding inputs;
    private final Map<Integer, StepBuffers> buffers = new HashMap<>();
    private INDArray prefillLogits;                               // the last prefill's output: released by the next call

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
        this.dims = Dims.of(weights.config(), batch);
        this.dt = weights.dtype();
        this.routeLogits = !extraOutputs.isEmpty();
        this.rope = new RopeTables(weights.config(), dims, dt, maxLength, weights.maxPositions(), owned);
        this.cache = new KvCache(dims, dt, maxLength, owned);
        this.inputs = new InputEmbedding(weights, owned);
    }

    @Override
    public long cachedLength() { return cache.length(); }

    /** Releases the cache, the buffers, the op contexts and the last outputs: the decoder cannot be used afterwards. */
    @Override
    public void close() {
        NativeArrays.close(prefillLogits);
        prefillLogits = null;
        stepScratch.close();
        owned.close();
        buffers.clear();
    }

    @Override
    public StepOutput forward(StepInput in) {
        NativeArrays.close(prefillLogits);
        prefillLogits = null;
        int t = (int) in.length(), batch = dims.batch();
        if (in.batch() != batch) throw new IllegalArgumentException("decoder has " + batch + " rows, input has " + in.batch());
        if (t <= 0) throw new IllegalArgumentException("no positions to feed");
        int[][] pos = HostArrays.intMatrix(in.positionIds());
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
        cache.append(HostArrays.intMatrix(in.validity()), t);
        rope.cover(pos);
        StepBuffers wk = buffers.computeIfAbsent(t, n -> owned.binding(() -> new StepBuffers(w, dims, n, rope, routeLogits, owned)));
        int s = cache.length() + t;

        inputs.embed(in, wk, stepScratch);
        wk.positions.data().setData(flatPos);
        wk.cosGather.input(0, rope.cos()).run();
        wk.sinGather.input(0, rope.sin()).run();
        INDArray bias = maskBias(pos, t, s);   // [B, 1, rep·T, S], or null when every key is visible

        for (int l = 0; l < dims.layers(); l++) {
            // attention block: x += o(attn(rope(qkv(norm(x)))))  — the rows' rsqrt scale applied after the products
            wk.rmsInverse();
            wk.inNorm[l].run();
            wk.qProj[l].run();
            wk.kProj[l].run();
            wk.vProj[l].run();
            wk.qkScale.run();
            wk.vScale.run();
            if (wk.qkBias[l] != null) wk.qkBias[l].run();
            if (wk.vBias[l] != null) wk.vBias[l].run();
            wk.swappedFirst.assign(wk.secondHalves);
            wk.swappedSecond.assign(wk.firstHalves);
            wk.ropeCos.run();
            wk.ropeSin.run();
            wk.ropeAdd.run();
            cache.store(l, wk);
            wk.attention.run(cache, l, s, bias);
            wk.oProj[l].run();
            if (wk.oBias[l] != null) wk.oBias[l].run();
            // MLP block: x += down(silu(gate) · up)
            wk.rmsInverse();
            wk.postNorm[l].run();
            wk.gateProj[l].run();
            wk.upProj[l].run();
            wk.gateUpScale.run();
            if (wk.gateUpBias[l] != null) wk.gateUpBias[l].run();
            Nd4j.getExecutioner().exec(wk.swish);
            wk.gateTimesUp.run();
            wk.downProj[l].run();
            if (wk.downBias[l] != null) wk.downBias[l].run();
        }
        cache.advance(t);

        wk.rmsInverse();
        wk.finalScale.run();
        wk.finalNorm.run();
        INDArray logits;
        if (t == 1) {
            wk.headProj.run();
            logits = wk.logitsRaw;
        } else {
            logits = prefillLogits = Nd4j.create(dt, wk.n, dims.vocab());
            Nd4j.gemm(wk.hidden, w.head(), logits, false, true, 1.0, 0.0);
        }
        Map<String, INDArray> extra = new LinkedHashMap<>();
        if (routeLogits) {
            wk.routerProj.run();
            wk.routerBias.run();
            extra.put(ActionHeadRouter.LOGITS, wk.routerOut);
        }
        stepScratch.close();
        return new StepOutput(logits, wk.hidden, extra);
    }

    /** The step's additive mask as an array (freed with the step), or null when every query sees every key. */
    private INDArray maskBias(int[][] pos, int t, int s) {
        float[] bias = MaskBias.of(cache.valid(), cache.keyPosition(), pos, dims.rep(), t, s);
        if (bias == null) return null;
        INDArray floats = stepScratch.track(Nd4j.create(bias, new long[]{dims.batch(), 1, (long) dims.rep() * t, s}, DataType.FLOAT));
        return dt == DataType.FLOAT ? floats : stepScratch.track(floats.castTo(dt));
    }
}

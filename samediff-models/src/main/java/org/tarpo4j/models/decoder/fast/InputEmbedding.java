package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.tarpo4j.layers.core.HostArrays;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.tarpo.HrpoGateMixer;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.models.decoder.ModelInputs;
import org.tarpo4j.models.decoder.StepInput;

/**
 * A step's input embeddings into {@link StepBuffers#x}, as the graph's input layer computes them: the token's row of
 * the embedding table; TARPO's hybrid input ({@link HybridEmbeddingMixer}: one gather of K + 1 rows per position,
 * weighted); or HRPO's gated mixture ({@link HrpoGateMixer}). A step whose routes are all hard is a plain lookup.
 */
final class InputEmbedding {
    private final FastWeights w;
    private final DataType dt;
    private final int d, vocab;
    private final Resources owner;

    InputEmbedding(FastWeights w, Resources owner) {
        this.w = w;
        this.dt = w.dtype();
        this.d = w.config().hiddenSize();
        this.vocab = w.config().vocabSize();
        this.owner = owner;
    }

    /** The T new positions' input embeddings into {@code wk.x}; temporaries go to {@code scratch}. */
    void embed(StepInput in, StepBuffers wk, NativeArrays scratch) {
        int n = wk.n;
        int[] ids = HostArrays.ints(in.inputIds());
        for (int id : ids) {
            if (id < 0 || id >= vocab) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary");
        }
        ModelInputs.Kind kind = w.inputs().kind();
        if (kind == ModelInputs.Kind.TOKENS || allZero(in.extra().get(HybridEmbeddingMixer.ROUTES))) {
            wk.ids.data().setData(ids);
            wk.embed.run();
            return;
        }
        INDArray softIdArray = require(in, HybridEmbeddingMixer.SOFT_IDS);
        int k = (int) softIdArray.size(2);
        if (kind == ModelInputs.Kind.TOP_K_MIXTURE) {
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
            if (wk.mixture == null || wk.mixture.k != k) wk.mixture = owner.binding(() -> new Mixture(wk, k));
            wk.mixture.run(scratch.track(Nd4j.createFromArray(allIds)), scratch.track(Nd4j.create(weights, new long[]{n, k + 1, 1}, dt)));
            return;
        }
        gated(in, ids, softIdArray, k, wk, scratch);
    }

    /** HRPO: {@code a ⊙ e + sqrt(1 - a² + 1e-8) ⊙ (i ⊙ p E / ‖p‖)} where routes are 1, {@code e} elsewhere. */
    private void gated(StepInput in, int[] ids, INDArray softIdArray, int k, StepBuffers wk, NativeArrays scratch) {
        int n = wk.n;
        INDArray idArray = scratch.track(Nd4j.createFromArray(ids));
        INDArray softIds = softIdArray.castTo(DataType.INT32);
        INDArray softWeights = require(in, HybridEmbeddingMixer.SOFT_WEIGHTS).castTo(dt).reshape(n, k);
        INDArray routes = require(in, HybridEmbeddingMixer.ROUTES).castTo(dt).reshape(n, 1);
        FastWeights.HrpoGate g = w.gate();
        INDArray e = scratch.track(Nd4j.create(dt, n, d));
        gather(w.embedding(), idArray, e);
        INDArray norm = scratch.track(Transforms.sqrt(scratch.track(scratch.track(softWeights.mul(softWeights)).sum(true, 1)).addi(1e-12), false));
        INDArray wn = scratch.track(softWeights.divColumnVector(norm));
        INDArray rows = scratch.track(Nd4j.create(dt, (long) n * k, d));
        gather(w.embedding(), softIds.reshape((long) n * k), rows);
        INDArray mixture = scratch.track(rows.reshape(n, k, d).muli(wn.reshape(n, k, 1)).sum(1));
        INDArray r = scratch.track(Nd4j.create(dt, n, d)), i = scratch.track(Nd4j.create(dt, n, d));
        Nd4j.gemm(e, g.rWeight(), r, false, true, 1.0, 0.0);
        Transforms.sigmoid(r.addiRowVector(g.rBias()), false);
        Nd4j.gemm(e, g.iWeight(), i, false, true, 1.0, 0.0);
        Transforms.sigmoid(i.addiRowVector(g.iBias()), false);
        INDArray decay = scratch.track(Transforms.softPlus(scratch.track(g.lambda().neg()), false).muli(-HrpoGateMixer.C));  // [1, d]
        INDArray a = Transforms.exp(r.muliRowVector(decay), false);
        INDArray gatedInput = scratch.track(a.mul(e)).addi(scratch.track(Transforms.sqrt(scratch.track(a.mul(a)).rsubi(1.0).addi(1e-8), false)).muli(i.muli(mixture)));
        wk.x.assign(gatedInput.muliColumnVector(routes).addi(e.muliColumnVector(scratch.track(routes.rsub(1.0)))));
    }

    /** {@code x = Σ_j weights_j · E[ids_j]} over K + 1 ids per position: TARPO's hybrid input, bound once. */
    final class Mixture {
        final int k;
        private final BoundOp gather, weigh, sum;

        Mixture(StepBuffers wk, int k) {
            this.k = k;
            INDArray rows = owner.track(Nd4j.create(dt, (long) wk.n * (k + 1), d));
            INDArray slots = rows.reshape(wk.n, k + 1, d);
            INDArray noIds = owner.track(Nd4j.create(DataType.INT32, (long) wk.n * (k + 1))), noWeights = owner.track(Nd4j.create(dt, wk.n, k + 1, 1));
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

    private static void gather(INDArray table, INDArray indices, INDArray out) {
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(table, indices).addOutputs(out).addIntegerArguments(0).build());
    }

    private static INDArray require(StepInput in, String name) {
        INDArray a = in.extra().get(name);
        if (a == null) throw new IllegalArgumentException("this model's inputs need '" + name + "'");
        return a;
    }

    private static boolean allZero(INDArray routes) {
        return routes == null || routes.amaxNumber().doubleValue() == 0.0;
    }
}

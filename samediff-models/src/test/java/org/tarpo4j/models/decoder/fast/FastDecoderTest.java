package org.tarpo4j.models.decoder.fast;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.GraphDecoder;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.StepOutput;
import org.tarpo4j.models.decoder.TinyModels;
import org.tarpo4j.models.decoder.WeightLayout;
import org.tarpo4j.models.generation.PromptBatch;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.latent.LatentMode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FastDecoder against GraphDecoder on the same inputs: logits, hidden states and router logits within 1e-4 at every
 * step, and identical greedy ids over 20 steps, for Qwen2-shaped (GQA, q/k/v biases, tied head) and Llama-shaped
 * (untied, llama3 rope scaling) random models, in plain, TARPO and HRPO modes, with left padding, with and without LoRA.
 */
class FastDecoderTest {
    private static final int TOP_K = 3, STEPS = 20;
    private static final double TOL = 1e-4;
    private static final List<int[]> PROMPTS = List.of(new int[]{1, 5, 9, 14, 3}, new int[]{1, 8, 2},
            new int[]{1, 30, 7, 11, 4, 19, 6}, new int[]{1, 13});

    @Test
    void equalsTheGraphDecoderInEveryModeShapeAndAdapterSetting() {
        for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
            for (LatentMode mode : List.of(LatentMode.GRPO, LatentMode.TARPO, LatentMode.HRPO)) {
                for (boolean lora : new boolean[]{false, true}) {
                    compare(c, mode, lora, 64);
                }
            }
        }
    }

    @Test
    void equalsTheGraphDecoderWhereTheVectorApiKernelRunsTheProjections() {
        // hidden, attention and MLP widths of at least VectorProjection.MIN_INPUT: 4 rows take the kernel (LoRA's B stays BLAS)
        ModelConfig wide = new ModelConfig("qwen2", 128, 2, 4, 2, 32, 256, 37, 1e-6, 10000.0, RopeScaling.NONE, 64,
                true, true, false, false, 1, List.of(2), 0, "float32");
        INDArray x = Nd4j.rand(DataType.FLOAT, PROMPTS.size(), wide.hiddenSize());
        assertTrue(new Projection(x, Nd4j.rand(DataType.FLOAT, 256, wide.hiddenSize()), Nd4j.create(DataType.FLOAT, PROMPTS.size(), 256), false).vectorised());
        for (LatentMode mode : List.of(LatentMode.GRPO, LatentMode.TARPO, LatentMode.HRPO)) {
            for (boolean lora : new boolean[]{false, true}) compare(wide, mode, lora, 64);
        }
    }

    @Test
    void equalsTheGraphDecoderOnTheBlasPathAsWithoutTheVectorApi() {
        // a JVM started without --add-modules jdk.incubator.vector: every projection is a BLAS matmul
        boolean previous = Projection.useVectorKernel(false);
        try {
            for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
                compare(c, LatentMode.TARPO, true, 64);
                compare(c, LatentMode.GRPO, false, 64, List.of(PROMPTS.get(2)));
            }
        } finally {
            Projection.useVectorKernel(previous);
        }
    }

    @Test
    void refusesLatentVectorInputsRatherThanIgnoringThem() {
        ModelConfig c = TinyModels.qwen2Config();
        var p = TinyModels.random(c, 1).parameters();
        var graph = DecoderGraph.build(c, p, LatentHeads.options(c, DecoderOptions.plain(64), LatentMode.COCONUT,
                SoftInputConfig.defaults(), RouterConfig.defaults()));
        var e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> new FastDecoder(graph, 2, 16, List.of()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("GraphDecoder"));
    }

    @Test
    void growsItsCacheWhenFedPastMaxLength() {
        compare(TinyModels.qwen2Config(), LatentMode.TARPO, false, 4);
    }

    @Test
    void equalsTheGraphDecoderForOneRow() {
        // one row takes the matrix-vector path of every projection
        for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
            for (LatentMode mode : List.of(LatentMode.GRPO, LatentMode.TARPO, LatentMode.HRPO)) {
                compare(c, mode, true, 64, List.of(PROMPTS.get(2)));
            }
        }
    }

    @Test
    void equalsTheGraphDecoderForMoreRowsThanTheMatrixVectorPathTakes() {
        // more than MATVEC_ROWS rows: every single step's projections are GEMMs with column-major outputs
        List<int[]> prompts = new java.util.ArrayList<>(PROMPTS);
        prompts.add(new int[]{1, 21, 22, 23});
        prompts.add(new int[]{1, 2, 3, 4, 5, 6, 7, 8});
        assertTrue(prompts.size() > FastDecoder.MATVEC_ROWS);
        for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
            for (LatentMode mode : List.of(LatentMode.GRPO, LatentMode.TARPO, LatentMode.HRPO)) {
                compare(c, mode, false, 64, prompts);
            }
        }
    }

    @Test
    void rejectsOutputsItCannotProduceAndIdsOutsideTheVocabulary() {
        DecoderGraph plain = model(TinyModels.qwen2Config(), LatentMode.GRPO, false, 1);
        assertThrows(IllegalArgumentException.class, () -> new FastDecoder(plain, 1, 8, List.of(ActionHeadRouter.LOGITS)));
        assertThrows(IllegalArgumentException.class, () -> new FastDecoder(plain, 1, 8, List.of("present.0.key")));
        FastDecoder d = new FastDecoder(plain, 1, 8, List.of());
        assertThrows(IllegalArgumentException.class, () -> d.forward(StepInput.singleRow(new int[]{1, 99}, 0)));
    }

    private static void compare(ModelConfig c, LatentMode mode, boolean lora, int maxLength) {
        compare(c, mode, lora, maxLength, PROMPTS);
    }

    private static void compare(ModelConfig c, LatentMode mode, boolean lora, int maxLength, List<int[]> prompts) {
        String what = c.modelType() + "/" + mode.id() + (lora ? "/lora" : "") + "/max" + maxLength + "/rows" + prompts.size();
        DecoderGraph g = model(c, mode, lora, 7);
        List<String> extras = mode.hasRouter() ? List.of(ActionHeadRouter.LOGITS) : List.of();
        int rows = prompts.size();
        boolean single = rows == 1;
        IncrementalDecoder reference = new GraphDecoder(g, single ? 2 : rows, extras);
        IncrementalDecoder fast = new FastDecoder(g, rows, maxLength, extras);
        SplittableRandom rng = new SplittableRandom(11);

        PromptBatch batch = new PromptBatch(prompts, 0);
        int width = batch.width();
        StepInput prefill = withSoftInputs(batch.toStepInput(), mode, rows, width, c.vocabSize(), rng, null);
        StepOutput a = reference.forward(single ? twice(prefill) : prefill), b = fast.forward(prefill);
        if (single) a = firstRows(a, width);
        assertClose(a, b, what + " prefill");

        int[] nextPos = new int[rows];
        for (int r = 0; r < rows; r++) nextPos[r] = batch.length(r);
        INDArray lastA = lastPositions(a.logits(), rows, width), lastB = lastPositions(b.logits(), rows, width);
        for (int step = 0; step < STEPS; step++) {
            int[] idsA = lastA.argMax(1).toIntVector(), idsB = lastB.argMax(1).toIntVector();
            assertArrayEquals(idsA, idsB, what + " greedy ids at step " + step);
            int[][] ids = new int[rows][1], pos = new int[rows][1], valid = new int[rows][1];
            for (int r = 0; r < rows; r++) {
                ids[r][0] = idsA[r];
                pos[r][0] = nextPos[r]++;
                valid[r][0] = 1;
            }
            StepInput in = withSoftInputs(new StepInput(Nd4j.createFromArray(ids), Nd4j.createFromArray(pos),
                    Nd4j.createFromArray(valid)), mode, rows, 1, c.vocabSize(), rng, lastA);
            a = reference.forward(single ? twice(in) : in);
            if (single) a = firstRows(a, 1);
            b = fast.forward(in);
            assertClose(a, b, what + " step " + step);
            lastA = a.logits();
            lastB = b.logits();
        }
        assertEquals(reference.cachedLength(), fast.cachedLength());
    }

    /** The same one-row input as two identical rows. */
    private static StepInput twice(StepInput in) {
        Map<String, INDArray> extra = new HashMap<>();
        in.extra().forEach((k, v) -> extra.put(k, Nd4j.concat(0, v, v)));
        return new StepInput(Nd4j.concat(0, in.inputIds(), in.inputIds()), Nd4j.concat(0, in.positionIds(), in.positionIds()),
                Nd4j.concat(0, in.validity(), in.validity()), extra);
    }

    /** The first row's positions of a two-row output. */
    private static StepOutput firstRows(StepOutput o, int t) {
        Map<String, INDArray> extra = new java.util.LinkedHashMap<>();
        o.extra().forEach((k, v) -> extra.put(k, v.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, t)).dup()));
        return new StepOutput(o.logits().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, t)).dup(),
                o.hidden().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, t)).dup(), extra);
    }

    /** A model in the given mode, every parameter random and large enough to matter (LoRA B included). */
    static DecoderGraph model(ModelConfig c, LatentMode mode, boolean lora, long seed) {
        Parameters p = new Parameters(DataType.FLOAT, seed);
        WeightLayout.expectedShapes(c).forEach((name, shape) -> p.getOrCreate(name, name.endsWith("norm.weight")
                ? (dt, s, sd) -> Init.normal(0.2).create(dt, s, sd).addi(1.0) : Init.normal(0.3), shape));
        DecoderOptions base = DecoderOptions.plain(c.maxPositionEmbeddings());
        if (lora) base = base.withLora(new LoraConfig(2, 4, java.util.Set.copyOf(LoraConfig.ALL_PROJECTIONS)));
        DecoderOptions options = LatentHeads.options(c, base, mode, new SoftInputConfig(TOP_K, true), RouterConfig.withActionBias(0.3));
        DecoderGraph g = DecoderGraph.build(c, p, options);
        SplittableRandom rng = new SplittableRandom(seed);
        p.asMap().forEach((name, arr) -> {
            if (name.contains("lora_B") || name.startsWith(LatentHeads.ROUTER) || name.startsWith(LatentHeads.GATE + ".gate")) {
                double[] v = new double[(int) arr.length()];
                for (int i = 0; i < v.length; i++) v[i] = (rng.nextDouble() - 0.5) * 0.6;
                arr.assign(Nd4j.create(v, arr.shape(), DataType.DOUBLE).castTo(arr.dataType()));
            }
        });
        return g;
    }

    /**
     * Soft inputs for TARPO/HRPO: the top-k of the previous logits (random ids in the prefill) with random weights,
     * and routes that are 1 on about half the positions (prompts included, to exercise the mixers there too).
     */
    private static StepInput withSoftInputs(StepInput in, LatentMode mode, int rows, int t, int vocab, SplittableRandom rng,
                                            INDArray previous) {
        if (!mode.hasSoftInputs()) return in;
        int[][][] ids = new int[rows][t][TOP_K];
        float[][][] weights = new float[rows][t][TOP_K];
        float[][] routes = new float[rows][t];
        for (int r = 0; r < rows; r++) {
            int[] top = previous == null ? null : topK(previous.getRow(r).toFloatVector());
            for (int j = 0; j < t; j++) {
                routes[r][j] = rng.nextBoolean() ? 1f : 0f;
                float sum = 0;
                for (int k = 0; k < TOP_K; k++) {
                    ids[r][j][k] = top != null ? top[k] : rng.nextInt(vocab);
                    sum += weights[r][j][k] = (float) (0.1 + rng.nextDouble());
                }
                for (int k = 0; k < TOP_K; k++) weights[r][j][k] /= sum;
            }
        }
        Map<String, INDArray> extra = new HashMap<>();
        extra.put(HybridEmbeddingMixer.SOFT_IDS, Nd4j.createFromArray(ids));
        extra.put(HybridEmbeddingMixer.SOFT_WEIGHTS, Nd4j.createFromArray(weights));
        extra.put(HybridEmbeddingMixer.ROUTES, Nd4j.createFromArray(routes));
        return new StepInput(in.inputIds(), in.positionIds(), in.validity(), extra);
    }

    private static int[] topK(float[] logits) {
        Integer[] idx = new Integer[logits.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (x, y) -> Float.compare(logits[y], logits[x]));
        int[] out = new int[TOP_K];
        for (int k = 0; k < TOP_K; k++) out[k] = idx[k];
        return out;
    }

    private static void assertClose(StepOutput expected, StepOutput actual, String what) {
        assertClose(expected.logits(), actual.logits(), what + " logits");
        assertClose(expected.hidden(), actual.hidden(), what + " hidden");
        assertEquals(expected.extra().keySet(), actual.extra().keySet(), what);
        for (String k : expected.extra().keySet()) assertClose(expected.extra().get(k), actual.extra().get(k), what + " " + k);
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= TOL, what + ": max |diff| " + diff);
        assertTrue(expected.amaxNumber().doubleValue() > 0.1, what + ": trivial values");
    }

    private static INDArray lastPositions(INDArray logits, int rows, int width) {
        int[] idx = new int[rows];
        for (int r = 0; r < rows; r++) idx[r] = r * width + width - 1;
        return logits.getRows(idx);
    }
}

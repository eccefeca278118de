package org.tarpo4j.models.decoder;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.config.ModelConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DecoderGraphTest {
    @Test
    void graphCreatesExactlyTheParametersOfTheWeightLayout() {
        for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
            Parameters p = new Parameters(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1);
            DecoderGraph.build(c, p, DecoderOptions.plain(32));
            Map<String, long[]> built = new TreeMap<>();
            p.asMap().forEach((k, v) -> built.put(k, v.shape()));
            Map<String, long[]> expected = new TreeMap<>(WeightLayout.expectedShapes(c));
            assertEquals(expected.keySet(), built.keySet(), c.modelType());
            expected.forEach((k, v) -> assertArrayEquals(v, built.get(k), k));
        }
    }

    @Test
    void cachedDecodeStepsGiveTheFullForwardLogits() {
        for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
            DecoderGraph model = TinyModels.random(c, 3);
            int[] seq = {1, 5, 9, 14, 3, 22, 30, 7, 11};
            INDArray full = new GraphDecoder(model, 1, List.of()).forward(single(seq, 0, seq.length)).logits();

            GraphDecoder cached = new GraphDecoder(model, 1, List.of());
            INDArray prefill = cached.forward(single(seq, 0, 4)).logits();
            assertClose(full.getRows(0, 1, 2, 3), prefill, 1e-4);
            for (int t = 4; t < seq.length; t++) {
                INDArray step = cached.forward(single(seq, t, t + 1)).logits();
                assertClose(full.getRows(t), step, 1e-4);
            }
            assertEquals(seq.length, cached.cachedLength());
        }
    }

    @Test
    void leftPaddedRowsGiveTheSameLogitsAsUnpaddedOnes() {
        DecoderGraph model = TinyModels.random(TinyModels.qwen2Config(), 4);
        int[] a = {1, 5, 9, 14, 3, 22}, b = {1, 8, 2};
        INDArray alone = new GraphDecoder(model, 1, List.of()).forward(single(b, 0, b.length)).logits();
        var batch = new org.tarpo4j.models.generation.PromptBatch(List.of(a, b), 0);
        GraphDecoder decoder = new GraphDecoder(model, 2, List.of());
        INDArray both = decoder.forward(batch.toStepInput()).logits();              // [2·6, V]
        for (int t = 0; t < b.length; t++) assertClose(alone.getRows(t), both.getRows(6 + 3 + t), 1e-4);

        // and one cached step later, row b (at its position 3) still matches the unpadded run
        int[] bNext = {1, 8, 2, 17};
        INDArray aloneNext = new GraphDecoder(model, 1, List.of()).forward(single(bNext, 0, 4)).logits();
        INDArray step = decoder.forward(new StepInput(Nd4j.createFromArray(new int[][]{{4}, {17}}),
                Nd4j.createFromArray(new int[][]{{6}, {3}}), Nd4j.createFromArray(new int[][]{{1}, {1}}))).logits();
        assertClose(aloneNext.getRows(3), step.getRows(1), 1e-4);
        for (int r = 0; r < 2; r++) assertEquals(false, Double.isNaN(step.getRow(r).sumNumber().doubleValue()));
    }

    static StepInput single(int[] seq, int from, int to) {
        return StepInput.singleRow(Arrays.copyOfRange(seq, from, to), from);
    }

    static void assertClose(INDArray expected, INDArray actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertEquals(0.0, diff, tol, "max |diff| " + diff);
    }
}

package org.tarpo4j.models.latent;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.gradcheck.FiniteDifferenceCheck;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.layers.tarpo.LatentInputMixer;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.GraphDecoder;
import org.tarpo4j.models.decoder.ModelInputs;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.TinyModels;
import org.tarpo4j.models.decoder.WeightLayout;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContinuousThoughtGraphTest {
    private static final List<ContinuousThoughtGraph.Example> BATCH = List.of(
            new ContinuousThoughtGraph.Example(new int[]{1, 5, 9, 30}, new int[]{31, 7, 12, 2}),
            new ContinuousThoughtGraph.Example(new int[]{1, 8, 30}, new int[]{31, 4, 2}));

    private static Parameters randomParameters(ModelConfig c, DataType dt, long seed) {
        Parameters p = new Parameters(dt, seed);
        var source = TinyModels.random(c, seed).parameters();
        WeightLayout.expectedShapes(c).keySet().forEach(n -> p.put(n, source.get(n).castTo(dt)));
        return p;
    }

    @Test
    void unrolledThoughtsEqualStepByStepDecodingWithHiddenStateInputs() {
        ModelConfig c = TinyModels.qwen2Config();
        Parameters p = randomParameters(c, DataType.FLOAT, 3);
        int thoughts = 2;
        ContinuousThoughtGraph coconut = ContinuousThoughtGraph.build(c, p, DecoderOptions.plain(64), thoughts, Set.of());
        Map<String, INDArray> ph = coconut.inputs(BATCH, 0);
        INDArray logits = coconut.graph().sd().output(ph, "suffix_logits").get("suffix_logits");

        DecoderGraph stepper = DecoderGraph.build(c, p, DecoderOptions.plain(64).withInputs(ModelInputs.hiddenState(c.hiddenSize())));
        for (int r = 0; r < BATCH.size(); r++) {
            var e = BATCH.get(r);
            GraphDecoder d = new GraphDecoder(stepper, 1, List.of());
            var out = d.forward(withLatent(StepInput.singleRow(e.prefix(), 0), null, c.hiddenSize()));
            INDArray hidden = out.hidden().getRow(e.prefix().length - 1).reshape(1, -1);
            for (int j = 0; j < thoughts; j++) {
                out = d.forward(withLatent(StepInput.singleRow(new int[]{0}, e.prefix().length + j), hidden, c.hiddenSize()));
                hidden = out.hidden();
            }
            out = d.forward(withLatent(StepInput.singleRow(e.suffix(), e.prefix().length + thoughts), null, c.hiddenSize()));
            int width = 4;
            for (int t = 0; t < e.suffix().length; t++) {
                double diff = out.logits().getRow(t).sub(logits.getRow((long) r * width + t)).amaxNumber().doubleValue();
                assertTrue(diff <= 1e-4, "row " + r + " suffix position " + t + ": " + diff);
            }
        }
    }

    @Test
    void theAnswerLossReachesTheFirstThoughtAndEveryGradientMatchesFiniteDifferences() {
        ModelConfig c = TinyModels.qwen2Config();
        Parameters p = randomParameters(c, DataType.DOUBLE, 4);
        ContinuousThoughtGraph coconut = ContinuousThoughtGraph.build(c, p, DecoderOptions.plain(64), 2, Set.of(0));
        Map<String, INDArray> ph = coconut.inputs(BATCH, 0);
        coconut.graph().sd().setLossVariables(ContinuousThoughtGraph.LOSS);
        INDArray g = coconut.graph().sd().calculateGradients(ph, "thought_0").get("thought_0");
        assertTrue(g.norm2Number().doubleValue() > 1e-6, "no gradient into the first thought: " + g);
        var r = FiniteDifferenceCheck.check(coconut.graph(), ph, ContinuousThoughtGraph.LOSS, p.asMap().keySet(), 4, 1e-6, 1e-4, 1e-9, 5);
        assertTrue(r.passed(), r.toString());
        assertEquals(true, r.checked() > 60);
    }

    private static StepInput withLatent(StepInput in, INDArray latent, int d) {
        long t = in.length();
        INDArray l = latent == null ? Nd4j.zeros(DataType.FLOAT, 1, t, d) : latent.reshape(1, 1, d).castTo(DataType.FLOAT);
        INDArray routes = latent == null ? Nd4j.zeros(DataType.FLOAT, 1, t) : Nd4j.ones(DataType.FLOAT, 1, 1);
        return new StepInput(in.inputIds(), in.positionIds(), in.validity(),
                Map.of(LatentInputMixer.LATENT_INPUTS, l, HybridEmbeddingMixer.ROUTES, routes));
    }
}

package org.tarpo4j.models.training;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.gradcheck.FiniteDifferenceCheck;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.TinyModels;
import org.tarpo4j.models.decoder.WeightLayout;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-graph token log-probs and entropies equal the sampler's formula, and their gradients pass finite differences. */
class TokenLogProbsTest {
    private static final int B = 2, T = 3;
    private static final Set<Integer> BANNED = Set.of(0, 5);

    @Test
    void valuesEqualTheRolloutFormulaWithTemperatureAndBannedIds() {
        for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
            for (LoraConfig lora : java.util.Arrays.asList(null, LORA)) {   // trained head, then frozen (linearised)
                DecoderGraph g = model(c, DataType.FLOAT, lora);
                TokenLogProbs.attach(g, 0.7, BANNED);
                assertValuesMatchTheFormula(c, g, 0.7, c.modelType() + (lora == null ? "" : " lora"));
            }
        }
    }

    private static void assertValuesMatchTheFormula(ModelConfig c, DecoderGraph g, double temperature, String what) {
        Map<String, INDArray> ph = inputs(c, g);
        Map<String, INDArray> out = g.sd().output(ph, DecoderGraph.LOGITS, TokenLogProbs.TOKEN_LOGP, TokenLogProbs.TOKEN_ENTROPY);
        INDArray logits = out.get(DecoderGraph.LOGITS);
        int[] labels = ph.get(TokenLogProbs.LABELS).reshape(-1).toIntVector();
        boolean[] banned = new boolean[c.vocabSize()];
        for (int id : BANNED) banned[id] = true;
        for (int n = 0; n < B * T; n++) {
            float[] row = logits.getRow(n).toFloatVector();
            double expected = TokenLogProbs.logProb(row, labels[n], temperature, banned);
            double entropy = 0;
            for (int v = 0; v < row.length; v++) {
                double lp = TokenLogProbs.logProb(row, v, temperature, banned);
                if (!banned[v]) entropy -= Math.exp(lp) * lp;
            }
            if (banned[labels[n]]) {
                assertTrue(out.get(TokenLogProbs.TOKEN_LOGP).getDouble(n) < -1e8, what + " row " + n);
            } else {
                assertEquals(expected, out.get(TokenLogProbs.TOKEN_LOGP).getDouble(n), 1e-5, what + " row " + n);
            }
            assertEquals(entropy, out.get(TokenLogProbs.TOKEN_ENTROPY).getDouble(n), 1e-5, what + " row " + n);
        }
    }

    @Test
    void aFrozenHeadGivesExactGradientsToTheAdaptersWhoseBaseWeightsAreConstants() {
        for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
            DecoderGraph g = model(c, DataType.DOUBLE, LORA);
            // B starts at zero (PEFT's init), which would make every gradient of A zero
            g.parameters().asMap().forEach((name, a) -> {
                if (name.contains(".lora_B.")) a.assign(Nd4j.randn(DataType.DOUBLE, a.shape()).muli(0.3));
            });
            TokenLogProbs.Outputs lp = TokenLogProbs.attach(g, 0.8, BANNED);
            INDArray r = Nd4j.rand(DataType.DOUBLE, B * T).subi(0.5);
            lp.logp().mul(g.sd().constant("r", r)).sum().rename("loss");
            Map<String, INDArray> ph = inputs(c, g);
            ph.put(TokenLogProbs.LABELS, Nd4j.createFromArray(new int[][]{{7, 9, 3}, {4, 6, 20}}));
            List<String> adapters = g.parameters().asMap().keySet().stream().filter(n -> n.contains(".lora_")).toList();
            var result = FiniteDifferenceCheck.check(g.graph(), ph, "loss", adapters, 4, 1e-6, 1e-5, 1e-8, 5);
            assertTrue(result.passed(), c.modelType() + ": " + result);
            // the base weights are constants: nothing asks for, keeps or updates a gradient of theirs
            for (String name : WeightLayout.expectedShapes(c).keySet()) {
                assertEquals(org.nd4j.autodiff.samediff.VariableType.CONSTANT, g.sd().getVariable(name).getVariableType(), name);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferencesTiedAndUntied() {
        for (ModelConfig c : List.of(TinyModels.qwen2Config(), TinyModels.llamaConfig())) {
            DecoderGraph g = model(c, DataType.DOUBLE);
            TokenLogProbs.Outputs lp = TokenLogProbs.attach(g, 0.8, BANNED);
            INDArray r = Nd4j.rand(DataType.DOUBLE, B * T).subi(0.5);
            lp.logp().mul(g.sd().constant("r", r)).sum().rename("loss");
            Map<String, INDArray> ph = inputs(c, g);
            // no banned label here: its -1e9 log-prob would swamp the finite differences
            ph.put(TokenLogProbs.LABELS, Nd4j.createFromArray(new int[][]{{7, 9, 3}, {4, 6, 20}}));
            var result = FiniteDifferenceCheck.check(g.graph(), ph, "loss", g.parameters().asMap().keySet(),
                    6, 1e-6, 1e-5, 1e-8, 3);
            assertTrue(result.passed(), c.modelType() + ": " + result);
            // the head is where the label's logit is read by row: check many of its entries, label rows included
            var head = FiniteDifferenceCheck.check(g.graph(), ph, "loss", List.of(g.lmHead().name()), 120, 1e-6, 1e-5, 1e-8, 4);
            assertTrue(head.passed(), c.modelType() + " head: " + head);
        }
    }

    private static final LoraConfig LORA = new LoraConfig(2, 4, Set.copyOf(LoraConfig.ALL_PROJECTIONS));

    private static DecoderGraph model(ModelConfig c, DataType dt) {
        return model(c, dt, null);
    }

    private static DecoderGraph model(ModelConfig c, DataType dt, LoraConfig lora) {
        Parameters p = new Parameters(dt, 9);
        WeightLayout.expectedShapes(c).forEach((name, shape) -> {
            Init init = name.endsWith("norm.weight") ? (d, s, sd) -> Init.normal(0.2).create(d, s, sd).addi(1.0) : Init.normal(0.3);
            p.getOrCreate(name, init, shape);
        });
        return DecoderGraph.build(c, p, DecoderOptions.plain(c.maxPositionEmbeddings()).withLora(lora));
    }

    private static Map<String, INDArray> inputs(ModelConfig c, DecoderGraph g) {
        // row 1 is left-padded by one position; the labels include a banned id (5)
        Map<String, INDArray> ph = g.sequenceInputs(new int[][]{{1, 7, 9}, {0, 4, 11}}, new int[][]{{0, 1, 2}, {0, 0, 1}},
                new int[][]{{1, 1, 1}, {0, 1, 1}});
        ph.put(TokenLogProbs.LABELS, Nd4j.createFromArray(new int[][]{{7, 9, 3}, {4, 5, 20}}));
        return ph;
    }
}

package org.tarpo4j.tests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.GenerationConfig;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.models.zoo.Llama31;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our Llama forward against ONNX Runtime 1.22's logits and greedy continuations on the shared tiny Llama. */
class TinyLlamaReferenceParityTest {
    private static CausalLm lm;

    @BeforeAll
    static void load() throws Exception {
        lm = Llama31.fromPretrained(TinyLlamaFixture.hfDir());
    }

    @AfterAll
    static void close() { lm.close(); }

    @Test
    void logitsMatchOnnxRuntimeWithinFp16Tolerance() throws Exception {
        JsonNode ref = TinyLlamaFixture.reference();
        try (SafeTensorsFile expected = SafeTensorsFile.open(TinyLlamaFixture.referenceLogits())) {
            for (JsonNode prompt : ref.get("prompts")) {
                String name = prompt.get("name").asText();
                int[] ids = TinyLlamaFixture.ints(prompt.get("input_ids"));
                INDArray ours = lm.logits(ids);
                INDArray theirs = expected.readFloat(name + ".logits");
                assertArrayEquals(theirs.shape(), ours.shape());
                double maxDiff = ours.sub(theirs).amaxNumber().doubleValue();
                assertTrue(maxDiff <= 1e-3, name + ": max |logit diff| " + maxDiff);
            }
        }
    }

    @Test
    void tokenizerReproducesTheReferenceIds() throws Exception {
        for (JsonNode prompt : TinyLlamaFixture.reference().get("prompts")) {
            assertArrayEquals(TinyLlamaFixture.ints(prompt.get("input_ids")),
                    lm.requireTokenizer().encode(prompt.get("text").asText(), true));
        }
    }

    @Test
    void twelveStepGreedyContinuationsAreIdentical() throws Exception {
        for (JsonNode prompt : TinyLlamaFixture.reference().get("prompts")) {
            int[] ids = TinyLlamaFixture.ints(prompt.get("input_ids"));
            int[] expected = TinyLlamaFixture.ints(prompt.get("greedy_continuation_ids"));
            int[] ours = lm.generator().generate(List.of(ids),
                    new GenerationConfig(expected.length, SamplingConfig.greedyDecoding(), 0, Set.of(), Set.of(), 0))
                    .sequences().get(0).tokens();
            assertArrayEquals(expected, ours, prompt.get("name").asText());
        }
        assertEquals(12, TinyLlamaFixture.ints(TinyLlamaFixture.reference().get("prompts").get(0).get("greedy_continuation_ids")).length);
    }
}

package org.tarpo4j.examples.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loading example on the shared tiny Llama, against ONNX Runtime's own KV-cached greedy decoding of it. */
class LoadAndGenerateTest {
    @Test
    void greedyContinuationsOfABatchEqualOnnxRuntimesAndSamplesComeFromTheFilteredDistribution() throws Exception {
        JsonNode ref = SharedModels.ortReference();
        List<String> texts = List.of(ref.get("prompts").get(0).get("text").asText(), ref.get("prompts").get(1).get("text").asText());
        List<LoadAndGenerate.Continuations> out = LoadAndGenerate.generate(SharedModels.tinyLlama().toString(), texts, 12, 7);

        for (int p = 0; p < 2; p++) {
            JsonNode r = ref.get("prompts").get(p);
            assertArrayEquals(SharedModels.ints(r.get("input_ids")), out.get(p).promptIds(), "prompt " + p);
            // two prompts of different lengths in one left-padded batch, each equal to ORT's single-prompt decode
            assertArrayEquals(SharedModels.ints(r.get("greedy_continuation_ids")), out.get(p).greedy(), "prompt " + p);
        }

        // sampled (temperature 0.8, top-k 50, top-p 0.95): every token lies in the top 50 of an uncached forward pass
        // over the prompt and the tokens before it; a random id of the 32,000 would be there with probability 1/640
        try (CausalLm lm = CausalLm.fromPretrained(SharedModels.tinyLlama())) {
            for (LoadAndGenerate.Continuations c : out) {
                assertEquals(12, c.sampled().length);
                assertFalse(Arrays.equals(c.greedy(), c.sampled()), "sampling differs from greedy decoding");
                int[] seq = Arrays.copyOf(c.promptIds(), c.promptIds().length + c.sampled().length);
                System.arraycopy(c.sampled(), 0, seq, c.promptIds().length, c.sampled().length);
                INDArray logits = lm.logits(seq);
                for (int t = 0; t < c.sampled().length; t++) {
                    float[] row = logits.getRow(c.promptIds().length - 1 + t).toFloatVector();
                    List<Integer> top50 = IntStream.range(0, row.length).boxed()
                            .sorted(Comparator.comparingDouble((Integer i) -> row[i]).reversed()).limit(50).toList();
                    assertTrue(top50.contains(c.sampled()[t]), "sampled token " + t + " = " + c.sampled()[t] + " is outside the top 50");
                }
            }
        }
        List<LoadAndGenerate.Continuations> again = LoadAndGenerate.generate(SharedModels.tinyLlama().toString(), texts, 12, 7);
        for (int p = 0; p < 2; p++) assertArrayEquals(out.get(p).sampled(), again.get(p).sampled(), "same seed, same samples");
    }

    @Test
    void mainPrintsTheContinuations() throws Exception {
        JsonNode p1 = SharedModels.ortReference().get("prompts").get(0);
        String printed = SharedModels.stdoutOf(() -> LoadAndGenerate.main(new String[]{SharedModels.tinyLlama().toString(),
                p1.get("text").asText()}));
        String[] lines = printed.split("\n");
        assertEquals(2, lines.length, printed);
        assertTrue(lines[0].startsWith("greedy  " + Arrays.toString(SharedModels.ints(p1.get("greedy_continuation_ids")))), lines[0]);
        assertTrue(lines[1].startsWith("sampled ["), lines[1]);
    }
}

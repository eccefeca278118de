package org.tarpo4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.DataDirectory;

/**
 * Reads the shared tiny Llama checkpoint (F16, written by Python tooling, not by us). Expected values were read
 * from the file with Python's {@code struct} module ('e' = IEEE half).
 */
class SharedFixtureTest {
    private static final String FIXTURE = "models/tiny-random-llama-ortgenai/hf/model.safetensors";

    private static Map<String, long[]> expectedShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("lm_head.weight", new long[] {32000, 16});
        shapes.put("model.embed_tokens.weight", new long[] {32000, 16});
        for (int l = 0; l < 2; l++) {
            String p = "model.layers." + l + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {16});
            shapes.put(p + "mlp.down_proj.weight", new long[] {16, 64});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {64, 16});
            shapes.put(p + "mlp.up_proj.weight", new long[] {64, 16});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {16});
            for (String proj : List.of("k", "o", "q", "v")) shapes.put(p + "self_attn." + proj + "_proj.weight", new long[] {16, 16});
        }
        shapes.put("model.norm.weight", new long[] {16});
        return shapes;
    }

    @Test
    void namesShapesAndDtypesMatchTheReadme() throws IOException {
        Map<String, long[]> expected = expectedShapes();
        try (SafeTensorsFile f = SafeTensorsFile.open(DataDirectory.require(FIXTURE))) {
            assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(f.names()), "header order (sorted by the writer)");
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                TensorInfo info = f.info(e.getKey());
                assertEquals(SafeTensorsDType.F16, info.dtype(), e.getKey());
                assertArrayEquals(e.getValue(), info.shape(), e.getKey());
            }
            assertEquals("pt", f.metadata().get("format"));
            assertEquals(1024000, f.info("model.embed_tokens.weight").begin());
            assertEquals(2064544, f.info("model.norm.weight").end());
        }
    }

    @Test
    void valuesMatchAnIndependentDecoding() throws IOException {
        try (TensorSource src = Checkpoint.open(DataDirectory.require(FIXTURE).getParent())) {
            Map<String, INDArray> all = Checkpoint.loadExactly(src, expectedShapes());
            assertEquals(21, all.size());
            for (String name : all.keySet()) {
                if (name.endsWith("norm.weight") || name.endsWith("layernorm.weight")) {
                    for (float v : Arrays32.flat(all.get(name))) assertEquals(1.0f, v, name + " is all ones");
                }
            }
            assertEquals(-0.000732421875f, all.get("lm_head.weight").getFloat(0, 0));
            assertEquals(0.025634765625f, all.get("lm_head.weight").getFloat(31999, 15));
            assertEquals(-0.00846099853515625f, all.get("model.embed_tokens.weight").getFloat(1, 0));
            assertEquals(-0.01305389404296875f, all.get("model.embed_tokens.weight").getFloat(12345, 7));
            assertEquals(-0.0102691650390625f, all.get("model.layers.1.mlp.down_proj.weight").getFloat(15, 63));
            assertEquals(-0.046295166015625f, all.get("model.layers.0.self_attn.q_proj.weight").getFloat(3, 5));

            // every value, summed in C order in double precision (exact widening, so the sum is reproducible)
            double sum = 0, maxAbs = 0;
            for (float v : Arrays32.flat(all.get("model.embed_tokens.weight"))) {
                sum += v;
                maxAbs = Math.max(maxAbs, Math.abs(v));
            }
            assertEquals(-4.093452990055084, sum, 1e-12);
            assertEquals(0.1033935546875, maxAbs);
            assertTrue(src.fileOf("lm_head.weight").endsWith("model.safetensors"));
        }
    }

    @Test
    void theWholeFixtureIsFinite() throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(DataDirectory.require(FIXTURE))) {
            for (String name : f.names()) f.readFloat(name, true);
        }
    }
}

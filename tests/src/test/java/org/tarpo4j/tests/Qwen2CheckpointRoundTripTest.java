package org.tarpo4j.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.HalfFloats;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.zoo.Qwen25;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Qwen2-shaped random checkpoints written by our writer load back bit-exactly and decode consistently. */
class Qwen2CheckpointRoundTripTest {
    // GQA (6 heads over 2 KV heads), q/k/v biases, tied head
    static final ModelConfig CONFIG = new ModelConfig("qwen2", 24, 2, 6, 2, 4, 40, 53, 1e-6, 1e6, RopeScaling.NONE, 128,
            true, true, false, false, null, List.of(52), 51, "bfloat16");

    private static CausalLm randomModel() {
        CausalLm lm = CausalLm.initialise(CONFIG, 9, null);
        // larger than the 0.02 init so logits are not near-ties, and rounded to bf16 so the round trip is exact
        lm.parameters().asMap().forEach((name, a) -> {
            a.muli(15);
            float[] v = a.data().asFloat();
            for (int i = 0; i < v.length; i++) v[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i]));
            a.assign(org.nd4j.linalg.factory.Nd4j.create(v, a.shape(), 'c'));
        });
        return lm;
    }

    @Test
    void bf16TwoShardsLoadBackBitExactly(@TempDir Path dir) throws Exception {
        CausalLm original = randomModel();
        Path out = dir.resolve("qwen2-tiny");
        original.save(out, SafeTensorsDType.BF16, 8_000); // ~20 KB of bf16 weights: forces several shards
        assertTrue(Files.exists(out.resolve(Checkpoint.INDEX_FILE)), "expected a sharded checkpoint");
        assertTrue(Files.exists(out.resolve("model-00002-of-" + String.format("%05d", shardCount(out)) + ".safetensors")));

        CausalLm loaded = Qwen25.fromPretrained(out);
        assertEquals(CONFIG.withTieWordEmbeddings(true).numKeyValueHeads(), loaded.config().numKeyValueHeads());
        assertEquals(original.parameters().asMap().keySet(), loaded.parameters().asMap().keySet());
        original.parameters().asMap().forEach((name, a) -> {
            int[] x = Arrays.stream(toDoubles(a)).mapToInt(d -> Float.floatToIntBits((float) d)).toArray();
            int[] y = Arrays.stream(toDoubles(loaded.parameters().get(name))).mapToInt(d -> Float.floatToIntBits((float) d)).toArray();
            assertArrayEquals(x, y, name);
        });
    }

    @Test
    void loadedModelDecodesConsistentlyWithItsFullForward(@TempDir Path dir) throws Exception {
        randomModel().save(dir.resolve("m"), SafeTensorsDType.F32, Long.MAX_VALUE);
        CausalLm lm = CausalLm.fromPretrained(dir.resolve("m"));
        int[] seq = {3, 17, 8, 44, 0, 21, 9, 33, 12, 5};
        INDArray full = lm.logits(seq);
        var decoder = lm.decoder(1);
        decoder.forward(StepInput.singleRow(Arrays.copyOf(seq, 3), 0));
        for (int t = 3; t < seq.length; t++) {
            INDArray step = decoder.forward(StepInput.singleRow(new int[]{seq[t]}, t)).logits();
            double diff = step.sub(full.getRow(t).reshape(1, -1)).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4, "position " + t + ": max |diff| " + diff);
        }
    }

    private static int shardCount(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return (int) files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors")).count();
        }
    }

    private static double[] toDoubles(INDArray a) { return a.dup().data().asDouble(); }
}

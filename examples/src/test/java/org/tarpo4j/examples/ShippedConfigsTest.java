package org.tarpo4j.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.rl.train.TarpoConfig;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model shapes shipped for {@code ./tarpo init} are the published checkpoints' shapes: their parameter counts,
 * computed here from the config's fields alone, are the ones Hugging Face lists for the real models.
 */
class ShippedConfigsTest {
    @ParameterizedTest
    @CsvSource({"qwen2.5-0.5b.json, 494032768", "qwen2.5-1.5b.json, 1543714304", "llama-3.2-1b.json, 1235814400"})
    void aShippedShapeHasItsCheckpointsParameterCount(String file, long published) throws Exception {
        ModelConfig c = ModelConfig.read(Path.of("configs/models", file));
        assertEquals(published, parameters(c), file);
    }

    @Test
    void theRealSizeTrainingConfigReadsUnderTheStrictReader() throws Exception {
        TarpoConfig c = TarpoConfig.read(Path.of("configs/qwen2.5-0.5b-lora-gsm8k.yaml"), Map.of());
        assertTrue(c.useLora);
        assertEquals(16, c.promptsPerStep * c.numGenerations);
        assertEquals(64, c.maxCompletionLength);
        assertEquals(1, c.perDeviceTrainBatchSize);
    }

    @Test
    void thePapersSettingLeavesTheBatchSizesToThePlan() throws Exception {
        TarpoConfig c = TarpoConfig.read(Path.of("configs/qwen2.5-1.5b-lora-paper.yaml"), Map.of());
        assertEquals(64, c.promptsPerStep * c.numGenerations);
        assertEquals(1024, c.maxCompletionLength);
        assertEquals(32, c.loraRank);
        assertTrue(c.perDeviceTrainBatchSize == null && c.rolloutBatchSize == null && c.chunkLength == null);
    }

    /** Embedding, per layer q/k/v (with their biases where the config has them), o, gate/up/down and two norms, final norm, untied head. */
    private static long parameters(ModelConfig c) {
        long d = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        long attention = d * q + 2 * d * kv + q * d + (c.qkvBias() ? q + 2 * kv : 0);
        long layer = attention + 3 * d * c.intermediateSize() + 2 * d;
        long head = c.tieWordEmbeddings() ? 0 : (long) c.vocabSize() * d;
        return (long) c.vocabSize() * d + c.numHiddenLayers() * layer + d + head;
    }
}

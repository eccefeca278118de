package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.WeightLayout;
import org.tarpo4j.models.memory.MemoryLimitExceededException;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paper's setting (a Qwen2.5-1.5B-shaped model, 8 prompts × 8 completions of up to 1,024 tokens, LoRA r = 32 on
 * every projection) is accepted with a plan that fits in 24 GB: one completion per pass, in chunks of positions. The
 * same step in one pass was refused as needing 283 GiB.
 */
class PaperSettingPlanTest {
    private static final ModelConfig QWEN_1_5B = new ModelConfig("qwen2", 1536, 28, 12, 2, 128, 8960, 151936, 1e-6, 1e6,
            null, 32768, true, true, false, false, 151643, List.of(151645), null, "bfloat16");
    private static final long GIB = 1L << 30;

    @Test
    void acceptedWithinTwentyFourGigabytes() {
        TarpoConfig c = TarpoConfig.defaults(Map.of("prompts_per_step", "8", "num_generations", "8",
                "max_completion_length", "1024", "use_lora", "true", "lora_rank", "32"));
        long base = WeightLayout.expectedShapes(QWEN_1_5B).values().stream().mapToLong(s -> s[0] * (s.length > 1 ? s[1] : 1)).sum();
        long adapters = adapterValues(QWEN_1_5B, c.lora());
        long router = 2L * QWEN_1_5B.hiddenSize() + 2;
        int longestPrompt = 260; // GSM8K's longest training prompt with Qwen's chat template
        TarpoTrainer.Batching b = TarpoTrainer.planMemory(c, QWEN_1_5B, base + adapters + router, adapters + router,
                longestPrompt, 24 * GIB);
        assertTrue(b.plan().totalBytes() <= 24 * GIB, b.plan().table());
        assertEquals(1, b.microBatchRows(), b.plan().table());
        assertTrue(b.chunkLength() < longestPrompt + 1024, "chunked: " + b.chunkLength());
        // asked for whole rows in one pass, the same step is refused, naming what to change
        c.chunkLength = longestPrompt + 1024;
        MemoryLimitExceededException e = assertThrows(MemoryLimitExceededException.class, () -> TarpoTrainer.planMemory(c,
                QWEN_1_5B, base + adapters + router, adapters + router, longestPrompt, 24 * GIB));
        assertTrue(e.getMessage().contains("chunk_length"), e.getMessage());
    }

    /** LoRA's values: r·(in + out) per adapted projection and layer. */
    private static long adapterValues(ModelConfig m, LoraConfig lora) {
        long d = m.hiddenSize(), q = (long) m.numAttentionHeads() * m.headDim(), kv = (long) m.numKeyValueHeads() * m.headDim();
        long ff = m.intermediateSize();
        long perLayer = (d + q) + (d + kv) + (d + kv) + (q + d) + 3 * (d + ff);
        return lora.rank() * perLayer * m.numHiddenLayers();
    }
}

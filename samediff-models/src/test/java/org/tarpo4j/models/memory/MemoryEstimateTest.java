package org.tarpo4j.models.memory;

import org.junit.jupiter.api.Test;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.TinyModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The estimates are the documented sums of array sizes, and refusal reports the estimate, its parts and the limit. */
class MemoryEstimateTest {
    // 2 layers, hidden 16, 4 heads / 2 KV heads of 4, intermediate 24, vocabulary 37
    private final ModelConfig c = TinyModels.qwen2Config();

    @Test
    void generationCountsTheCacheTheLogitsAndOneLayersScores() {
        MemoryEstimate e = MemoryEstimate.generation(c, 8, 10, 6, 1000);
        assertEquals(4 * 1000L, e.parts().get("weights"));
        assertEquals(4L * 2 * 2 * 8 * 2 * 16 * 4, e.parts().get("KV cache"));        // 2 (k, v) · layers · rows · kv heads · positions · head dim
        assertEquals(4L * 8 * 10 * 37, e.parts().get("prefill logits"));
        assertEquals(4L * 8 * 4 * 10 * 10, e.parts().get("prefill attention"));
        assertEquals(e.parts().values().stream().mapToLong(Long::longValue).sum(), e.totalBytes());
    }

    @Test
    void aTrainingStepCountsLogitsTwiceAndEveryLayersActivations() {
        MemoryEstimate e = MemoryEstimate.trainingStep(c, 4, 12, 1000, 300, 1000);
        assertEquals(4L * 2000, e.parts().get("weights"));
        assertEquals(4L * 3 * 300, e.parts().get("gradients and optimizer moments"));
        assertEquals(4L * 2 * 4 * 12 * 37, e.parts().get("logits and their gradient"));
        assertEquals(4L * 2 * 4 * 4 * 12 * 12, e.parts().get("attention probabilities"));
        assertEquals(4L * 2 * 4 * 12 * (16 + 24), e.parts().get("activations"));
    }

    @Test
    void overTheLimitIsRefusedWithTheNumbers() {
        MemoryEstimate e = MemoryEstimate.generation(c, 8, 10, 6, 1000);
        assertSame(e, e.requireWithin(e.totalBytes()));
        MemoryLimitExceededException x = assertThrows(MemoryLimitExceededException.class, () -> e.requireWithin(e.totalBytes() - 1));
        assertEquals(e.totalBytes(), x.estimateBytes());
        for (String part : e.parts().keySet()) assertTrue(x.getMessage().contains(part), x.getMessage());
        assertTrue(x.getMessage().startsWith("sampling 8 rows"), x.getMessage());
    }

    @Test
    void absurdShapesSaturateInsteadOfOverflowing() {
        MemoryEstimate e = MemoryEstimate.trainingStep(c, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 1, 0);
        assertEquals(Long.MAX_VALUE, e.totalBytes());
        assertThrows(MemoryLimitExceededException.class, e::requireWithinNd4jLimit);
        assertTrue(MemoryEstimate.nd4jLimitBytes() > 0, "the tests run with -Dorg.bytedeco.javacpp.maxbytes");
    }
}

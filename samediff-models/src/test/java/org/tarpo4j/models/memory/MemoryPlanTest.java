package org.tarpo4j.models.memory;

import org.junit.jupiter.api.Test;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.TinyModels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan is the documented sums of array sizes; refusal reports the plan, its parts, the limit and the key. */
class MemoryPlanTest {
    // 2 layers, hidden 16, 4 heads / 2 KV heads of 4, intermediate 24, vocabulary 37
    private final ModelConfig c = TinyModels.qwen2Config();

    @Test
    void generationCountsTheCacheTheLogitsAndThePrefill() {
        MemoryPlan p = MemoryPlan.generation(c, 8, 10, 6, 1000);
        assertEquals(4 * 1000L, p.always().get("weights"));
        assertEquals(4L * 2 * 2 * 8 * 2 * 16 * 4, p.rollout().get("KV cache"));   // 2 (k, v) · layers · rows · kv heads · positions · head dim
        assertEquals(4L * 8 * 10 * 37, p.rollout().get("prefill logits"));
        long sum = p.always().values().stream().mapToLong(Long::longValue).sum() + p.rollout().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(sum, p.totalBytes());
    }

    @Test
    void theRolloutAndTheUpdateDoNotAddUp() {
        MemoryPlan p = MemoryPlan.training(c, new MemoryPlan.Training(1000, 300, 0, 8, 10, 6, 2, 16, 16, false));
        long always = MemoryPlan.sum(p.always()), rollout = MemoryPlan.sum(p.rollout()), update = MemoryPlan.sum(p.update());
        assertEquals(always + Math.max(rollout, update), p.totalBytes());
        assertEquals(4L * 4 * 300, p.always().get("gradients and AdamW moments"));
        assertFalse(p.always().containsKey("reference model"), "LoRA shares the reference's weights");
        assertTrue(p.update().containsKey("frozen weights' unused gradients"));
        MemoryPlan full = MemoryPlan.training(c, new MemoryPlan.Training(1000, 1000, 1000, 8, 10, 6, 2, 16, 16, true));
        assertEquals(4L * 1000, full.always().get("reference model"));
        assertFalse(full.update().containsKey("frozen weights' unused gradients"));
    }

    @Test
    void aMicroBatchBoundsTheUpdateWhateverTheStepsRows() {
        // the update's working memory is a function of the micro-batch, not of how many rows the step has
        MemoryPlan small = MemoryPlan.training(c, new MemoryPlan.Training(1000, 300, 0, 2, 10, 6, 2, 16, 16, false));
        MemoryPlan large = MemoryPlan.training(c, new MemoryPlan.Training(1000, 300, 0, 2, 10, 6, 2, 16, 16, false));
        assertEquals(small.update(), large.update());
        MemoryPlan wider = MemoryPlan.training(c, new MemoryPlan.Training(1000, 300, 0, 2, 10, 6, 4, 16, 16, false));
        assertTrue(MemoryPlan.sum(wider.update()) > MemoryPlan.sum(small.update()));
    }

    @Test
    void chunksBoundTheActivationsAndAddTheCache() {
        MemoryPlan whole = MemoryPlan.training(c, new MemoryPlan.Training(1000, 300, 0, 2, 100, 60, 1, 160, 160, false));
        MemoryPlan chunked = MemoryPlan.training(c, new MemoryPlan.Training(1000, 300, 0, 2, 100, 60, 1, 160, 40, false));
        assertTrue(chunked.update().get("activations of a micro-batch") < whole.update().get("activations of a micro-batch") / 3);
        assertTrue(chunked.update().containsKey("KV cache of a micro-batch and its gradient"));
        assertFalse(whole.update().containsKey("KV cache of a micro-batch and its gradient"));
    }

    @Test
    void overTheLimitIsRefusedWithTheNumbersAndTheKey() {
        MemoryPlan p = MemoryPlan.training(c, new MemoryPlan.Training(1000, 300, 0, 8, 10, 6, 2, 16, 16, false));
        assertSame(p, p.requireWithin(p.totalBytes()));
        MemoryLimitExceededException x = assertThrows(MemoryLimitExceededException.class, () -> p.requireWithin(p.totalBytes() - 1));
        assertEquals(p.totalBytes(), x.estimateBytes());
        for (String part : p.parts().keySet()) assertTrue(x.getMessage().contains(part), x.getMessage());
        assertTrue(x.getMessage().startsWith("a training step"), x.getMessage());
        assertTrue(x.getMessage().contains("per_device_train_batch_size"), x.getMessage());
        assertTrue(p.table().contains("planned peak"), p.table());
    }

    @Test
    void absurdShapesSaturateInsteadOfOverflowing() {
        MemoryPlan p = MemoryPlan.training(c, new MemoryPlan.Training(1, 1, 0, Integer.MAX_VALUE, Integer.MAX_VALUE, 1,
                Integer.MAX_VALUE, Integer.MAX_VALUE, 16, false));
        assertEquals(Long.MAX_VALUE, p.totalBytes());
        assertThrows(MemoryLimitExceededException.class, p::requireWithinLimit);
        assertTrue(MemoryPlan.limitBytes() > 0, "the tests run with -Dorg.bytedeco.javacpp.maxphysicalbytes");
    }
}

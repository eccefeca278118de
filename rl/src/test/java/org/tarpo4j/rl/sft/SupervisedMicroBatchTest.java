package org.tarpo4j.rl.sft;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.rl.RlTestModels;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SFT: a batch in micro-batches of 1 or 2 examples has the loss and the gradient of the whole batch in one pass. (The
 * gradient, not the weights after a step: AdamW's first step is blind to the gradient's scale.)
 */
public class SupervisedMicroBatchTest {
    public static final SftConfig CONFIG = new SftConfig(4, 1e-2, 0, 0.0, 0.9, 0.99, 1.0, Set.of(0, 1));

    @Test
    void theAccumulatedGradientIsTheOnePassGradient() {
        List<SftExample> batch = List.of(new SftExample(new int[]{1, 5, 9}, new int[]{6, 7, 2}),
                new SftExample(new int[]{1, 20}, new int[]{8, 2}), new SftExample(new int[]{1, 3, 4, 8}, new int[]{11, 12, 13, 2}),
                new SftExample(new int[]{1, 13}, new int[]{2}));
        SftTrainer.Accumulated whole = new SftTrainer(RlTestModels.model(4), CONFIG, 1).accumulate(batch);
        for (int micro : new int[]{1, 2, 3}) {
            SftTrainer.Accumulated split = new SftTrainer(RlTestModels.model(4), CONFIG.withMicroBatchSize(micro), 1).accumulate(batch);
            assertSame(whole.loss(), whole.gradients(), split.loss(), split.gradients(), "micro-batch " + micro);
        }
    }

    @Test
    void closingFreesTheWorkingMemoryAStepLeaves() {
        List<SftExample> batch = List.of(new SftExample(new int[]{1, 5, 9}, new int[]{6, 7, 2}),
                new SftExample(new int[]{1, 20}, new int[]{8, 2}));
        try (SftTrainer sft = new SftTrainer(RlTestModels.model(4), CONFIG, 2)) {
            sft.step(batch);
            assertTrue(sft.releaseWorkingMemory() > 0, "a step leaves its passes' arrays in the pool");
            assertEquals(0, sft.releaseWorkingMemory(), "freed once");
            sft.step(batch);   // still usable: the pool starts empty
        }
    }

    /** Equal losses and gradients, and a gradient that is not zero. */
    public static void assertSame(double loss, Map<String, INDArray> gradients, double otherLoss, Map<String, INDArray> other,
                                  String what) {
        assertEquals(loss, otherLoss, 1e-5 * Math.abs(loss), what + ": loss");
        assertEquals(gradients.keySet(), other.keySet());
        double total = 0;
        for (var e : gradients.entrySet()) {
            double scale = Math.max(e.getValue().amaxNumber().doubleValue(), 1e-8);
            double diff = e.getValue().sub(other.get(e.getKey())).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * scale + 1e-8, what + ": " + e.getKey() + " differs by " + diff + " (max |g| " + scale + ")");
            total += e.getValue().norm2Number().doubleValue();
        }
        assertTrue(total > 0, what + ": every gradient is zero");
    }
}

package org.tarpo4j.rl.coconut;

import org.junit.jupiter.api.Test;
import org.tarpo4j.models.latent.ContinuousThoughtGraph;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.sft.SupervisedMicroBatchTest;

import java.util.List;

/** COCONUT's curriculum: groups of examples with 1 and 2 thoughts in micro-batches of 1 give the one-pass gradient. */
class CoconutMicroBatchTest {
    @Test
    void theAccumulatedGradientIsTheOnePassGradient() {
        // 29: begin-of-thought, 30: end-of-thought (the test vocabulary has 31 ids)
        List<Curriculum.Staged> batch = List.of(
                new Curriculum.Staged(new ContinuousThoughtGraph.Example(new int[]{1, 5, 9, 29}, new int[]{30, 6, 7, 2}), 2),
                new Curriculum.Staged(new ContinuousThoughtGraph.Example(new int[]{1, 20, 29}, new int[]{30, 8, 2}), 2),
                new Curriculum.Staged(new ContinuousThoughtGraph.Example(new int[]{1, 3, 29}, new int[]{30, 11, 12, 2}), 1));
        CoconutTrainer.Accumulated whole = new CoconutTrainer(RlTestModels.model(5), SupervisedMicroBatchTest.CONFIG).accumulate(batch);
        CoconutTrainer.Accumulated split = new CoconutTrainer(RlTestModels.model(5),
                SupervisedMicroBatchTest.CONFIG.withMicroBatchSize(1)).accumulate(batch);
        SupervisedMicroBatchTest.assertSame(whole.loss(), whole.gradients(), split.loss(), split.gradients(), "micro-batch 1");
    }
}

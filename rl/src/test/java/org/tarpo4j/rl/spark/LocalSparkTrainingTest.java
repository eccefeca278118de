package org.tarpo4j.rl.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TarpoTrainer;
import org.tarpo4j.rl.train.TrainerTestSupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training on {@code local[1]} and {@code local[2]} gives the single-machine trainer's metrics, step by step, and its
 * weights: completions sample from streams of (seed, step, prompt, sample), each executor's gradient is weighted as in
 * the whole step, and the shares add up.
 */
class LocalSparkTrainingTest {
    @Test
    void loraWithAReferenceAndTwoUpdatesPerStepEqualsTheSingleMachineRun(@TempDir Path tmp) throws Exception {
        Path model = SparkTestRuns.savedModel(tmp.resolve("model"), 5);
        TarpoConfig c = SparkTestRuns.config("tarpo", true, model);
        c.numIterations = 2; // the second update of a step broadcasts the weights again
        TarpoTrainer single = SparkTestRuns.train(c, null, TrainerTestSupport.D_FRACTION, tmp.resolve("single"));
        TarpoTrainer one = SparkTestRuns.train(c, "local[1]", TrainerTestSupport.D_FRACTION, tmp.resolve("local1"));
        TarpoTrainer two = SparkTestRuns.train(c, "local[2]", TrainerTestSupport.D_FRACTION, tmp.resolve("local2"));

        var expected = SparkTestRuns.metrics(tmp.resolve("single"));
        SparkTestRuns.assertSameMetrics(expected, SparkTestRuns.metrics(tmp.resolve("local1")), "local[1]");
        SparkTestRuns.assertSameMetrics(expected, SparkTestRuns.metrics(tmp.resolve("local2")), "local[2]");
        assertEquals(1, ((Number) SparkTestRuns.metrics(tmp.resolve("local1")).get(0).get("spark/partitions")).intValue());
        assertEquals(2, ((Number) SparkTestRuns.metrics(tmp.resolve("local2")).get(0).get("spark/partitions")).intValue());
        assertTrue(expected.stream().anyMatch(m -> ((Number) m.get("kl")).doubleValue() > 0), "the reference term was exercised");
        assertSameWeights(single, one, "local[1]");
        assertSameWeights(single, two, "local[2]");
    }

    @Test
    void fullFineTuningWithARewardOnlyTheTrainerCanScore(@TempDir Path tmp) throws Exception {
        Path model = SparkTestRuns.savedModel(tmp.resolve("model"), 6);
        TarpoConfig c = SparkTestRuns.config("hrpo", false, model);
        c.maxSteps = 2;
        c.lossType = org.tarpo4j.rl.core.LossType.DAPO;
        // a lambda is not Serializable: the executors return completions and the trainer scores them
        RewardFunction e = RewardFunction.of("e_fraction", (text, gold) -> text.isEmpty() ? 0
                : text.chars().filter(ch -> ch == 'e').count() / (double) text.length());
        TarpoTrainer single = SparkTestRuns.train(c, null, e, tmp.resolve("single"));
        TarpoTrainer two = SparkTestRuns.train(c, "local[2]", e, tmp.resolve("local2"));
        var spread = SparkTestRuns.metrics(tmp.resolve("local2"));
        SparkTestRuns.assertSameMetrics(SparkTestRuns.metrics(tmp.resolve("single")), spread, "local[2], full fine-tuning");
        // every weight is broadcast in full fine-tuning: its bytes are the model's trainable floats
        long floats = two.policy().model().parameters().asMap().values().stream().mapToLong(INDArray::length).sum();
        long broadcast = ((Number) spread.get(0).get("spark/broadcast_bytes")).longValue();
        assertTrue(broadcast >= 4 * floats && broadcast < 4 * floats + 16_384, broadcast + " bytes for " + floats + " floats");
        assertSameWeights(single, two, "local[2], full fine-tuning");
    }

    private static void assertSameWeights(TarpoTrainer expected, TarpoTrainer actual, String what) {
        Map<String, INDArray> e = expected.policy().model().parameters().asMap(), a = actual.policy().model().parameters().asMap();
        assertEquals(e.keySet(), a.keySet(), what);
        for (String name : List.copyOf(e.keySet())) {
            double scale = Math.max(e.get(name).amaxNumber().doubleValue(), 1e-6);
            double diff = e.get(name).sub(a.get(name)).amaxNumber().doubleValue();
            assertTrue(diff <= 1e-4 * scale + 1e-6, what + ": " + name + " differs by " + diff);
        }
    }
}

package org.tarpo4j.rl.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.reward.RewardException;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TarpoTrainer;
import org.tarpo4j.rl.train.TrainerTestSupport;

import java.io.IOException;
import java.io.Serializable;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What goes wrong on Spark ends with an error naming the cause, not a hang: a master URL that is not one or where no
 * master answers, a model path executors cannot read, a reward that throws on an executor; and a run on Spark resumes
 * from its checkpoint as one on one machine does.
 */
class SparkFailuresTest {
    @Test
    void aWrongMasterIsRefusedAtOnceNamingIt(@TempDir Path tmp) throws Exception {
        TarpoConfig c = SparkTestRuns.config("tarpo", true, SparkTestRuns.savedModel(tmp.resolve("model"), 1));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        long t0 = System.nanoTime();
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> SparkTestRuns.trainer(c, "spark://127.0.0.1:" + port, TrainerTestSupport.D_FRACTION, tmp.resolve("a")));
        assertTrue(none.getMessage().contains("no Spark master answers at 127.0.0.1:" + port), none.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> SparkTestRuns.trainer(c, "sprak://127.0.0.1:7077", TrainerTestSupport.D_FRACTION, tmp.resolve("b")));
        assertEquals("spark_master 'sprak://127.0.0.1:7077' is not a Spark master URL: expected local, local[N], local[*], "
                + "spark://host:port, yarn or k8s://https://host:port", bad.getMessage());
        assertTrue(System.nanoTime() - t0 < 15e9, "took " + (System.nanoTime() - t0) / 1e9 + " s");
    }

    @Test
    void aModelPathTheExecutorsCannotReadIsNamed(@TempDir Path tmp) throws Exception {
        Path model = SparkTestRuns.savedModel(tmp.resolve("model"), 2);
        TarpoConfig c = SparkTestRuns.config("tarpo", true, model);
        TarpoTrainer trainer = SparkTestRuns.trainer(c, "local[2]", TrainerTestSupport.D_FRACTION, tmp.resolve("run"));
        deleteTree(model); // the trainer has its model; the executors have yet to load theirs
        SparkStepException e = assertThrows(SparkStepException.class, trainer::train);
        assertTrue(e.getMessage().startsWith("step 1 rollouts, partition "), e.getMessage());
        assertTrue(e.getMessage().contains("cannot load model_path '" + model.toAbsolutePath() + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("put it where all workers can read it"), e.getMessage());
    }

    /** Throws on the completions of one problem, wherever it is scored. */
    static final class ThrowsOnGold5 implements RewardFunction, Serializable {
        private static final long serialVersionUID = 1L;

        @Override public String name() { return "picky"; }

        @Override public double score(String completion, String gold) {
            if (gold.equals("gold 5")) throw new ArithmeticException("no score for problem 5");
            return completion.length();
        }
    }

    @Test
    void aRewardThatThrowsOnAnExecutorStopsTheRunAsOnOneMachine(@TempDir Path tmp) throws Exception {
        TarpoConfig c = SparkTestRuns.config("grpo", true, SparkTestRuns.savedModel(tmp.resolve("model"), 3));
        c.maxSteps = 6;
        RewardException single = assertThrows(RewardException.class,
                () -> SparkTestRuns.train(c, null, new ThrowsOnGold5(), tmp.resolve("single")));
        RewardException spread = assertThrows(RewardException.class,
                () -> SparkTestRuns.train(c, "local[2]", new ThrowsOnGold5(), tmp.resolve("spark")));
        assertEquals(single.getMessage(), spread.getMessage());
        assertEquals(single.sample(), spread.sample());
    }

    @Test
    void aRunOnSparkResumesFromItsCheckpointAsOnOneMachine(@TempDir Path tmp) throws Exception {
        TarpoConfig c = SparkTestRuns.config("tarpo", false, SparkTestRuns.savedModel(tmp.resolve("model"), 4));
        c.maxSteps = 3;
        c.saveSteps = 2;
        SparkTestRuns.train(c, null, TrainerTestSupport.D_FRACTION, tmp.resolve("straight"));
        Path run = tmp.resolve("resumed");
        TarpoTrainer first = SparkTestRuns.trainer(c, "local[2]", TrainerTestSupport.D_FRACTION, run);
        first.trainStep();
        first.trainStep();
        first.save();
        first.trainStep(); // lost: the run "crashes" before its next checkpoint
        TarpoTrainer again = SparkTestRuns.trainer(c, "local[2]", TrainerTestSupport.D_FRACTION, run);
        assertEquals(2, again.resume());
        again.train();
        SparkTestRuns.assertSameMetrics(SparkTestRuns.metrics(tmp.resolve("straight")), SparkTestRuns.metrics(run), "resumed on local[2]");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}

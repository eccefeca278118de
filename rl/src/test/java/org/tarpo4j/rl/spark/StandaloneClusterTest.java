package org.tarpo4j.rl.spark;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TrainerTestSupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standalone Spark cluster on this machine (a master and two one-core workers on 127.0.0.1, started from the Maven
 * class path and stopped here) trains two steps with the single-machine trainer's result although a worker is killed
 * while it runs a task of the second step (Spark reruns the task on the other one); executors out of memory say so.
 * (One run for both: each application's executors take most of a test's time to start.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    @TempDir
    static Path tmp;
    private static StandaloneSparkCluster cluster;
    private static TarpoConfig config;
    private static List<Map<String, Object>> singleMachine;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = StandaloneSparkCluster.start(tmp.resolve("cluster"), 2);
        System.setProperty("spark.executor.extraClassPath", StandaloneSparkCluster.classPath());
        System.setProperty("spark.executor.memory", "1g");
        System.setProperty(SparkCluster.EXECUTOR_WAIT, "60");
        config = SparkTestRuns.config("tarpo", true, SparkTestRuns.savedModel(tmp.resolve("model"), 7));
        config.maxSteps = 2;
        config.promptsPerStep = 4;
        config.maxCompletionLength = 12;
        SparkTestRuns.train(config, null, TrainerTestSupport.D_FRACTION, tmp.resolve("single"));
        singleMachine = SparkTestRuns.metrics(tmp.resolve("single"));
    }

    @AfterAll
    static void stopCluster() {
        for (String p : List.of("spark.executor.extraClassPath", "spark.executor.memory", SparkCluster.EXECUTOR_WAIT,
                "spark.extraListeners")) {
            System.clearProperty(p);
        }
        SparkCluster.stopShared(); // the application first: its master is going
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void twoStepsOnTwoWorkersSurviveAWorkerKilledInStepTwoWithTheSingleMachineResult() throws Exception {
        Path run = tmp.resolve("cluster-run");
        System.setProperty("spark.extraListeners", KillWorkerOnTaskStart.class.getName());
        KillWorkerOnTaskStart.arm(cluster, "step 2 gradient");
        try {
            SparkTestRuns.train(config, cluster.url(), TrainerTestSupport.D_FRACTION, run);
        } finally {
            System.clearProperty("spark.extraListeners");
        }
        List<Map<String, Object>> m = SparkTestRuns.metrics(run);
        assertEquals(2, ((Number) m.get(0).get("spark/executors")).intValue(), "step 1 ran on both workers' executors");
        assertEquals(2, ((Number) m.get(0).get("spark/partitions")).intValue());
        assertNotNull(KillWorkerOnTaskStart.killedExecutor, "no worker was killed: the listener never saw step 2's gradient tasks");
        assertTrue(KillWorkerOnTaskStart.FAILED_TASKS.get() > 0, "the kill landed after the task ended: nothing was retried");
        SparkTestRuns.assertSameMetrics(singleMachine, m, cluster.url() + ", a worker killed in step 2");
    }

    @Test
    @Order(2)
    void executorsOutOfMemoryGiveAnErrorThatSaysSo() {
        // ND4J's arrays are off the heap: JavaCPP refuses them beyond maxphysicalbytes of resident memory
        System.setProperty("spark.executor.extraJavaOptions", JavaOptions.addOpens() + " -Dorg.bytedeco.javacpp.maxphysicalbytes=150m");
        long t0 = System.nanoTime();
        try {
            SparkStepException e = assertThrows(SparkStepException.class,
                    () -> SparkTestRuns.train(config, cluster.url(), TrainerTestSupport.D_FRACTION, tmp.resolve("oom-run")));
            String m = e.getMessage();
            assertTrue(m.contains("step 1 rollouts") && m.contains("executor") && m.contains("memory"), m);
        } finally {
            System.clearProperty("spark.executor.extraJavaOptions");
        }
        assertTrue(System.nanoTime() - t0 < 120e9, "the error took " + (System.nanoTime() - t0) / 1e9 + " s");
    }
}

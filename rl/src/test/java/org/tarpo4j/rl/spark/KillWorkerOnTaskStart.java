package org.tarpo4j.rl.spark;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Spark listener (registered through {@code spark.extraListeners}) that kills the worker running the first task of
 * the stage whose name starts with the armed prefix, the moment the task starts, and counts the tasks that then fail.
 */
public final class KillWorkerOnTaskStart extends SparkListener {
    private static volatile StandaloneSparkCluster cluster;
    private static volatile String stagePrefix;
    static volatile String killedExecutor;
    static final AtomicInteger FAILED_TASKS = new AtomicInteger();
    private static final Map<Integer, String> STAGES = new ConcurrentHashMap<>();

    /** Kills a worker of {@code c} at the first task of the first stage named {@code prefix}... */
    static void arm(StandaloneSparkCluster c, String prefix) {
        cluster = c;
        stagePrefix = prefix;
        killedExecutor = null;
        FAILED_TASKS.set(0);
        STAGES.clear();
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        STAGES.put(e.stageInfo().stageId(), e.stageInfo().name());
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
        String name = STAGES.getOrDefault(e.stageId(), "");
        if (killedExecutor != null || cluster == null || !name.startsWith(stagePrefix)) return;
        String executor = e.taskInfo().executorId();
        cluster.workerOfExecutor(executor).ifPresent(w -> {
            killedExecutor = executor;
            cluster.killWorker(w);
        });
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        if (!e.taskInfo().successful()) FAILED_TASKS.incrementAndGet();
    }
}

package org.tarpo4j.rl.spark;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step moved and where its time went, reset when read ({@code metrics.jsonl}'s {@code spark/...} and
 * {@code time/...} keys of a run on Spark):
 * <ul>
 *   <li>{@code spark/broadcast_bytes}: the trainable weights broadcast (once per update; each executor fetches them);</li>
 *   <li>{@code spark/task_bytes}: what the tasks carried (prompts; completions with their advantages and weights);</li>
 *   <li>{@code spark/result_bytes}: what came back (completions and rewards; one gradient per partition);</li>
 *   <li>{@code time/broadcast_s}: serialising and broadcasting the weights, plus the slowest task's fetch and assign;</li>
 *   <li>{@code time/collect_s}: each job's wall time beyond its slowest task's own work (scheduling, shipping tasks and
 *       results, deserialising them), plus summing the gradients;</li>
 *   <li>{@code time/straggler_s}: per job, its slowest task's work minus the mean task's (what waiting for the slowest
 *       one costs);</li>
 *   <li>{@code time/task_s} and {@code time/task_cpu_s}: the tasks' work, summed, in wall and in CPU time (their
 *       ratio is the share of a core each task had).</li>
 * </ul>
 */
final class StepStats {
    private long broadcastBytes, taskBytes, resultBytes;
    private double broadcastSeconds, collectSeconds, stragglerSeconds, taskSeconds, taskCpuSeconds;
    private int partitions, executors;

    synchronized void broadcast(long bytes, double seconds) {
        broadcastBytes += bytes;
        broadcastSeconds += seconds;
    }

    /** One job: its wall time, its tasks' own times (state fetch, work), bytes in and out. */
    synchronized void job(double wallSeconds, long[] stateNanos, long[] workNanos, long[] cpuNanos, long inBytes, long outBytes,
                          int executorsNow) {
        double maxState = 0, maxTask = 0, sumTask = 0;
        for (int i = 0; i < workNanos.length; i++) {
            maxState = Math.max(maxState, stateNanos[i] / 1e9);
            double t = (stateNanos[i] + workNanos[i]) / 1e9;
            maxTask = Math.max(maxTask, t);
            sumTask += t;
            taskCpuSeconds += cpuNanos[i] / 1e9;
        }
        taskSeconds += sumTask;
        broadcastSeconds += maxState;
        collectSeconds += Math.max(0, wallSeconds - maxTask);
        stragglerSeconds += workNanos.length == 0 ? 0 : maxTask - sumTask / workNanos.length;
        taskBytes += inBytes;
        resultBytes += outBytes;
        partitions = Math.max(partitions, workNanos.length);
        executors = Math.max(executors, executorsNow);
    }

    synchronized void collect(double seconds) { collectSeconds += seconds; }

    synchronized Map<String, Object> drain() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spark/executors", executors);
        m.put("spark/partitions", partitions);
        m.put("spark/broadcast_bytes", broadcastBytes);
        m.put("spark/task_bytes", taskBytes);
        m.put("spark/result_bytes", resultBytes);
        m.put("time/broadcast_s", broadcastSeconds);
        m.put("time/collect_s", collectSeconds);
        m.put("time/straggler_s", stragglerSeconds);
        m.put("time/task_s", taskSeconds);
        m.put("time/task_cpu_s", taskCpuSeconds);
        broadcastBytes = taskBytes = resultBytes = 0;
        broadcastSeconds = collectSeconds = stragglerSeconds = taskSeconds = taskCpuSeconds = 0;
        partitions = executors = 0;
        return m;
    }
}

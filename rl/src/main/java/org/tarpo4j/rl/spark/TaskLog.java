package org.tarpo4j.rl.spark;

import org.apache.spark.SparkEnv;
import org.slf4j.Logger;

/**
 * A task's log lines (which step, stage and partition it works on): INFO on executors, whose logs are where one looks
 * for them; DEBUG in the trainer's own JVM ({@code local[N]}), where they would only interleave with its progress.
 */
final class TaskLog {
    private TaskLog() {}

    /** @return this thread's CPU time so far */
    static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static void line(Logger log, String format, Object... args) {
        SparkEnv env = SparkEnv.get();
        boolean driver = env == null || "driver".equals(env.executorId());
        if (driver) log.debug(format, args);
        else log.info(format, args);
    }
}

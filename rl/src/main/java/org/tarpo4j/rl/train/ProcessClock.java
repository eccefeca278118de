package org.tarpo4j.rl.train;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * The process's CPU time (all threads) and the garbage collectors' accumulated time, read together. The difference of
 * two readings tells a slow step's cause apart: a step that took twice the median wall time with its usual CPU time
 * waited (another process, the host), one whose collector time is large paused for the GC, one whose CPU time doubled
 * did more work (a wider step).
 *
 * @param cpuNanos CPU time of the whole process, or -1 where the JVM does not report it
 * @param gcMillis time the collectors have taken since the JVM started (with the serial collector, all of it a pause)
 */
record ProcessClock(long cpuNanos, long gcMillis) {
    static ProcessClock now() {
        long gc = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) gc += Math.max(0, b.getCollectionTime());
        long cpu = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        return new ProcessClock(cpu, gc);
    }

    /** CPU seconds since {@code start}; NaN where CPU time is not reported. */
    double cpuSecondsSince(ProcessClock start) {
        return cpuNanos < 0 || start.cpuNanos < 0 ? Double.NaN : (cpuNanos - start.cpuNanos) / 1e9;
    }

    /** Collector seconds since {@code start}. */
    double gcSecondsSince(ProcessClock start) {
        return (gcMillis - start.gcMillis) / 1e3;
    }
}

package org.tarpo4j.rl.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One step's metrics, in logging order (the JSON line written to {@code metrics.jsonl}).
 *
 * @param step   the step, from 1
 * @param values by TRL's metric name where TRL has one ({@code reward}, {@code rewards/<name>/mean}, {@code kl}, ...)
 */
public record StepMetrics(int step, Map<String, Object> values) {
    /**
     * @param step   the step
     * @param values copied, read-only
     */
    public StepMetrics {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * A numeric metric.
     *
     * @param key its name
     * @return its value
     * @throws IllegalArgumentException when there is no numeric metric of that name
     */
    public double get(String key) {
        Object v = values.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("no numeric metric '" + key + "'");
        return n.doubleValue();
    }

    /**
     * @return the metrics that depend neither on the machine nor on where the step ran ({@code time/...},
     * {@code memory/...}, and {@code spark/...}: the partitions and bytes of a step on Spark), for comparing runs
     */
    public Map<String, Object> withoutTimings() {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.keySet().removeIf(StepMetrics::measuresTheMachine);
        return m;
    }

    /**
     * Whether a metric measures the machine or the cluster the step ran on, not the run.
     *
     * @param key a metric name
     * @return whether it starts with {@code time/}, {@code memory/} or {@code spark/}
     */
    public static boolean measuresTheMachine(String key) {
        return key.startsWith("time/") || key.startsWith("memory/") || key.startsWith("spark/");
    }

    /**
     * @param more metrics to add (a key already present is replaced)
     * @return these metrics and {@code more}
     */
    public StepMetrics with(Map<String, Object> more) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.putAll(more);
        return new StepMetrics(step, m);
    }
}

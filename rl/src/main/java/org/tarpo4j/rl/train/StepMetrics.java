package org.tarpo4j.rl.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One step's metrics, in logging order (the JSON line written to {@code metrics.jsonl}). */
public record StepMetrics(int step, Map<String, Object> values) {
    public StepMetrics {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public double get(String key) {
        Object v = values.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("no numeric metric '" + key + "'");
        return n.doubleValue();
    }

    /** The metrics that do not depend on timing (for comparing runs). */
    public Map<String, Object> withoutTimings() {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.keySet().removeIf(k -> k.startsWith("time/"));
        return m;
    }
}

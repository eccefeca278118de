package org.tarpo4j.hpo;

import org.tarpo4j.rl.train.TarpoConfig;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** One point of a sweep: a value per swept parameter, in the sweep's order (serializable: Arbiter copies candidates that way). */
record SweepCandidate(Map<SweepParameter, Double> values) implements Serializable {

    public SweepCandidate {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of {@code p}; an error if it is not swept. */
    public double value(SweepParameter p) {
        Double v = values.get(p);
        if (v == null) throw new IllegalArgumentException(p.key() + " is not part of this candidate");
        return v;
    }

    /** A validated copy of {@code base} with this candidate's values written in. */
    public TarpoConfig applyTo(TarpoConfig base) {
        TarpoConfig c = base.copy();
        values.forEach((p, v) -> p.apply(c, v));
        c.validate();
        return c;
    }

    /** Values by config key, for results files. */
    public Map<String, Double> byKey() {
        Map<String, Double> m = new LinkedHashMap<>();
        values.forEach((p, v) -> m.put(p.key(), v));
        return m;
    }

    @Override
    public String toString() {
        return values.entrySet().stream().map(e -> e.getKey().key() + "=" + Numbers.format(e.getValue())).collect(Collectors.joining(" "));
    }
}

package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;
import org.deeplearning4j.arbiter.optimize.distribution.LogUniformDistribution;
import org.deeplearning4j.arbiter.optimize.parameter.continuous.ContinuousParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.discrete.DiscreteParameterSpace;
import org.deeplearning4j.arbiter.optimize.parameter.integer.IntegerParameterSpace;
import org.tarpo4j.rl.train.TarpoConfig;

import java.util.List;
import java.util.Map;

/**
 * Where one parameter is searched: explicit {@code values} (a grid visits exactly these), or a {@code [min, max]}
 * range, uniform or log-uniform (a grid visits the sweep's {@code gridPoints} points from min to max, evenly spaced on
 * that scale; an integer range at most {@code max - min + 1}).
 *
 * @param parameter the swept parameter
 * @param min       the range's lower end, or null with values
 * @param max       the range's upper end, or null with values
 * @param log       log-uniform rather than uniform
 * @param values    explicit values, or null with a range
 */
public record ParameterRange(SweepParameter parameter, Double min, Double max, boolean log, List<Double> values) {

    /**
     * Checks the range against what the trainer accepts.
     *
     * @param parameter the swept parameter
     * @param min       lower end, or null
     * @param max       upper end, or null
     * @param log       log scale (min must be positive)
     * @param values    explicit values, or null
     * @throws IllegalArgumentException for both or neither of values and a range, or a value the trainer would refuse
     */
    public ParameterRange {
        String k = parameter.key();
        if ((values == null) == (min == null || max == null)) {
            throw new IllegalArgumentException(k + ": give either values or both min and max");
        }
        if (values != null) {
            if (values.isEmpty()) throw new IllegalArgumentException(k + ": values is empty");
            if (log) throw new IllegalArgumentException(k + ": scale applies to a min/max range, not to values");
            values = List.copyOf(values);
            for (double v : values) check(parameter, v);
        } else {
            if (!(min < max)) throw new IllegalArgumentException(k + ": min must be below max, got " + min + " and " + max);
            if (log && min <= 0) throw new IllegalArgumentException(k + ": a log scale needs min > 0, got " + min);
            if (log && parameter.integer()) throw new IllegalArgumentException(k + ": an integer parameter has no log scale");
            check(parameter, min);
            check(parameter, max);
        }
    }

    /**
     * A uniform (or, with {@code log}, log-uniform) range.
     *
     * @param p   the parameter
     * @param min lower end
     * @param max upper end
     * @param log log-uniform
     * @return the range
     */
    public static ParameterRange between(SweepParameter p, double min, double max, boolean log) {
        return new ParameterRange(p, min, max, log, null);
    }

    /**
     * Explicit values.
     *
     * @param p      the parameter
     * @param values the values
     * @return the range
     */
    public static ParameterRange of(SweepParameter p, Double... values) {
        return new ParameterRange(p, null, null, false, List.of(values));
    }

    /** @return a fresh Arbiter leaf for this range (leaves carry their index, so each search needs its own) */
    public ParameterSpace<? extends Number> space() {
        if (values != null) return new DiscreteParameterSpace<>(values);
        if (parameter.integer()) return new IntegerParameterSpace((int) Math.round(min), (int) Math.round(max));
        return log ? new ContinuousParameterSpace(new LogUniformDistribution(min, max)) : new ContinuousParameterSpace(min, max);
    }

    /** @return e.g. {@code [0.001, 0.1] log} or {@code {0.85, 2.2, 4.6}} */
    public String describe() {
        if (values != null) return "{" + String.join(", ", values.stream().map(Numbers::format).toList()) + "}";
        return "[" + Numbers.format(min) + ", " + Numbers.format(max) + "]" + (log ? " log" : "");
    }

    // an out-of-range value is an error in the sweep file, found before any training, with the trainer's own message
    private static void check(SweepParameter p, double v) {
        if (p.integer() && v != Math.rint(v)) throw new IllegalArgumentException(p.key() + ": expected a whole number, got " + v);
        TarpoConfig c = TarpoConfig.defaults(Map.of());
        p.apply(c, v);
        c.validate();
    }
}

package org.tarpo4j.examples.stats;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A mean over seeds with its 95% Student t interval: {@code mean ± t(0.975, n-1) · s / √n}, s the sample standard
 * deviation (n - 1 in the denominator). With a paired design the values are per-seed differences {@code a_s - b_s}
 * of two methods run from the same warm start with the same seed, which removes what the seeds share.
 *
 * @param mean       the mean
 * @param halfWidth  the interval's half-width; NaN for fewer than two values
 * @param values     the values, in seed order for {@link #paired}
 */
public record MeanInterval(double mean, double halfWidth, double[] values) {
    /** The two-sided confidence of every interval here. */
    public static final double CONFIDENCE = 0.95;

    public int n() { return values.length; }

    /**
     * @param values one value per seed, at least one
     * @return their mean with the t interval
     */
    public static MeanInterval of(double[] values) {
        int n = values.length;
        if (n == 0) throw new IllegalArgumentException("no values");
        double m = 0;
        for (double v : values) m += v;
        m /= n;
        if (n < 2) return new MeanInterval(m, Double.NaN, values.clone());
        double ss = 0;
        for (double v : values) ss += (v - m) * (v - m);
        double sd = Math.sqrt(ss / (n - 1));
        return new MeanInterval(m, StudentT.critical(CONFIDENCE, n - 1) * sd / Math.sqrt(n), values.clone());
    }

    /**
     * The paired difference {@code a - b}: per seed {@code a_s - b_s}, then {@link #of} over the seeds.
     *
     * @param a a method's value by seed
     * @param b the baseline's value by seed; the same seeds
     * @return the mean difference with its interval; {@code values} in ascending seed order
     * @throws IllegalArgumentException when the seeds differ (a difference needs both methods at every seed)
     */
    public static MeanInterval paired(Map<Long, Double> a, Map<Long, Double> b) {
        if (!a.keySet().equals(b.keySet())) {
            throw new IllegalArgumentException("paired differences need the same seeds, got " + new TreeMap<>(a).keySet()
                    + " and " + new TreeMap<>(b).keySet());
        }
        SortedMap<Long, Double> sorted = new TreeMap<>(a);
        double[] d = new double[sorted.size()];
        int i = 0;
        for (var e : sorted.entrySet()) d[i++] = e.getValue() - b.get(e.getKey());
        return of(d);
    }
}

package org.tarpo4j.examples.embedded;

import org.tarpo4j.examples.stats.MeanInterval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers of a comparison from its runs' summaries: each method's mean over seeds with a 95% t interval, and the
 * paired per-seed differences of each method against a baseline (same warm start, same RL seed, same held-out
 * problems and evaluation seed: only the method differs). Pure functions of the summaries.
 */
public final class ComparisonStatistics {
    /** The held-out numbers a comparison reports with intervals: avg@k and pass@k after RL. */
    public static final List<String> METRICS = List.of("sampled_avg_at_k", "pass_at_k");
    /** The method every other is paired against. */
    public static final String BASELINE = "grpo";

    private ComparisonStatistics() {}

    /**
     * A method's aggregate: before and after RL, the means over seeds of avg@k (with {@code sampled_ci95}: the t
     * interval over seeds, or the evaluation's own interval over problems when every seed has the same value, as the
     * shared warm start before RL), pass@k (with {@code pass_at_k_ci95}), greedy and the soft ratio, and the per-seed
     * values.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> aggregate(List<Map<String, Object>> runs) {
        Map<String, Object> a = new LinkedHashMap<>();
        for (String when : List.of("before", "after")) {
            double[] sampled = new double[runs.size()], greedy = new double[runs.size()], pass = new double[runs.size()],
                    soft = new double[runs.size()];
            double singleCi = Double.NaN;
            for (int i = 0; i < runs.size(); i++) {
                Map<String, Object> s = (Map<String, Object>) runs.get(i).get(when);
                sampled[i] = number(s, "sampled_avg_at_k");
                greedy[i] = number(s, "greedy");
                pass[i] = number(s, "pass_at_k");
                soft[i] = number(s, "soft_ratio");
                singleCi = number(s, "sampled_ci95");
            }
            MeanInterval avg = MeanInterval.of(sampled), passAtK = MeanInterval.of(pass);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sampled_avg_at_k", avg.mean());
            // identical values (one seed, or a shared warm start before RL) have only the evaluation's interval
            boolean varies = java.util.Arrays.stream(sampled).distinct().count() > 1;
            m.put("sampled_ci95", orNull(varies ? avg.halfWidth() : singleCi));
            m.put("pass_at_k", passAtK.mean());
            m.put("pass_at_k_ci95", orNull(passAtK.halfWidth()));
            m.put("greedy", MeanInterval.of(greedy).mean());
            m.put("soft_ratio", MeanInterval.of(soft).mean());
            m.put("per_seed_sampled", sampled);
            m.put("per_seed_pass_at_k", pass);
            a.put(when, m);
        }
        return a;
    }

    /**
     * Per-seed differences after RL of every method against {@link #BASELINE}, keyed {@code tarpo_minus_grpo}: for each
     * of {@link #METRICS} the mean difference, its 95% t interval ({@code ci95}, NaN with one seed) and the per-seed
     * differences in seed order. Empty without the baseline.
     *
     * @param runs each method's run summaries (with their {@code seed})
     * @throws IllegalArgumentException when a method lacks a seed the baseline has, or the reverse
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> paired(Map<String, List<Map<String, Object>>> runs) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!runs.containsKey(BASELINE)) return out;
        for (String method : runs.keySet()) {
            if (method.equals(BASELINE)) continue;
            Map<String, Object> byMetric = new LinkedHashMap<>();
            for (String metric : METRICS) {
                MeanInterval d = MeanInterval.paired(bySeed(runs.get(method), metric), bySeed(runs.get(BASELINE), metric));
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("mean", d.mean());
                m.put("ci95", orNull(d.halfWidth()));
                m.put("per_seed", d.values());
                byMetric.put(metric, m);
            }
            out.put(method + "_minus_" + BASELINE, byMetric);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<Long, Double> bySeed(List<Map<String, Object>> runs, String metric) {
        Map<Long, Double> m = new LinkedHashMap<>();
        for (Map<String, Object> r : runs) {
            long seed = ((Number) r.get("seed")).longValue();
            if (m.put(seed, number((Map<String, Object>) r.get("after"), metric)) != null) {
                throw new IllegalArgumentException("two runs of mode " + r.get("mode") + " with seed " + seed);
            }
        }
        return m;
    }

    /** No interval (one seed) is null in JSON, not a "NaN" string. */
    private static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("summary without a number '" + key + "': " + m.keySet());
        return n.doubleValue();
    }
}

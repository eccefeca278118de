package org.tarpo4j.examples.embedded;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A comparison as text (percentages): each method's held-out numbers with 95% intervals, then the paired per-seed
 * differences against GRPO. Reads the comparison's map as written to, or read back from, {@value Comparison#FILE}
 * (a file of an older build, without pass@k intervals or differences, prints what it has).
 */
public final class ComparisonTable {
    private ComparisonTable() {}

    @SuppressWarnings("unchecked")
    public static String of(Map<String, Object> comparison) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %-16s %-16s %-16s %-8s %-8s%n", "method", "avg@k before", "avg@k after",
                "pass@k after", "greedy", "soft"));
        ((Map<String, Object>) comparison.get("aggregate")).forEach((method, v) -> {
            Map<String, Object> before = (Map<String, Object>) ((Map<String, Object>) v).get("before");
            Map<String, Object> after = (Map<String, Object>) ((Map<String, Object>) v).get("after");
            b.append(String.format(Locale.ROOT, "%-8s %-16s %-16s %-16s %-8.1f %-8.3f%n", method,
                    percent(before, "sampled_avg_at_k", "sampled_ci95", false), percent(after, "sampled_avg_at_k", "sampled_ci95", false),
                    percent(after, "pass_at_k", "pass_at_k_ci95", false), 100 * num(after, "greedy"), num(after, "soft_ratio")));
        });
        Map<String, Object> paired = (Map<String, Object>) comparison.get("paired");
        if (paired == null || paired.isEmpty()) return b.toString();
        b.append(String.format(Locale.ROOT, "%npaired differences after RL over %s seed(s), percentage points, 95%% t interval "
                + "(per seed in seed order):%n", comparison.get("seeds")));
        b.append(String.format(Locale.ROOT, "%-16s %-16s %-16s %s%n", "difference", "avg@k", "pass@k", "avg@k per seed"));
        paired.forEach((name, v) -> {
            Map<String, Object> byMetric = (Map<String, Object>) v;
            Map<String, Object> avg = (Map<String, Object>) byMetric.get("sampled_avg_at_k");
            Map<String, Object> pass = (Map<String, Object>) byMetric.get("pass_at_k");
            StringBuilder perSeed = new StringBuilder();
            for (Object d : perSeed(avg.get("per_seed"))) {
                if (perSeed.length() > 0) perSeed.append(" / ");
                perSeed.append(String.format(Locale.ROOT, "%+.1f", 100 * ((Number) d).doubleValue()));
            }
            b.append(String.format(Locale.ROOT, "%-16s %-16s %-16s %s%n", name.replace("_minus_", " - "),
                    percent(avg, "mean", "ci95", true), percent(pass, "mean", "ci95", true), perSeed));
        });
        return b.toString();
    }

    /** {@code "44.6 ± 1.6"}, or the mean alone when there is no interval (one seed). */
    private static String percent(Map<String, Object> m, String mean, String ci, boolean signed) {
        double v = 100 * num(m, mean), c = m.get(ci) == null ? Double.NaN : 100 * num(m, ci);
        String value = String.format(Locale.ROOT, signed ? "%+.1f" : "%.1f", v);
        return Double.isNaN(c) ? value : value + String.format(Locale.ROOT, " ± %.1f", c);
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN; // Jackson writes NaN as the string "NaN"
    }

    private static List<?> perSeed(Object values) {
        if (values instanceof double[] d) return java.util.Arrays.stream(d).boxed().toList();
        return values instanceof List<?> l ? l : List.of();
    }
}

package org.tarpo4j.examples.embedded;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonStatisticsTest {
    private static Map<String, Object> summary(String mode, long seed, double avg, double pass) {
        Map<String, Object> before = new LinkedHashMap<>(), after = new LinkedHashMap<>();
        for (Map<String, Object> m : List.of(before, after)) {
            m.put("greedy", 0.5);
            m.put("soft_ratio", mode.equals("tarpo") ? 0.1 : 0.0);
            m.put("sampled_ci95", 0.05);
        }
        before.put("sampled_avg_at_k", 0.30);
        before.put("pass_at_k", 0.55);
        after.put("sampled_avg_at_k", avg);
        after.put("pass_at_k", pass);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", mode);
        s.put("seed", seed);
        s.put("before", before);
        s.put("after", after);
        return s;
    }

    /** GRPO 0.40 / 0.50 / 0.45 and TARPO 0.42 / 0.51 / 0.49 by seed 0 / 1 / 2, TARPO's listed from seed 2 down. */
    private static Map<String, List<Map<String, Object>>> runs() {
        Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
        runs.put("grpo", List.of(summary("grpo", 0, 0.40, 0.60), summary("grpo", 1, 0.50, 0.70), summary("grpo", 2, 0.45, 0.65)));
        runs.put("tarpo", List.of(summary("tarpo", 2, 0.49, 0.65), summary("tarpo", 1, 0.51, 0.70), summary("tarpo", 0, 0.42, 0.60)));
        return runs;
    }

    @Test
    @SuppressWarnings("unchecked")
    void pairedDifferencesByHand() {
        Map<String, Object> paired = ComparisonStatistics.paired(runs());
        assertEquals(List.of("tarpo_minus_grpo"), List.copyOf(paired.keySet()));
        Map<String, Object> avg = (Map<String, Object>) ((Map<String, Object>) paired.get("tarpo_minus_grpo")).get("sampled_avg_at_k");
        // differences by seed 0.02, 0.01, 0.04: mean 0.023333, s = 0.0152753, 4.302653 · s/√3 = 0.0379458
        assertArrayEquals(new double[]{0.02, 0.01, 0.04}, (double[]) avg.get("per_seed"), 1e-12);
        assertEquals(0.0233333333, (double) avg.get("mean"), 1e-9);
        assertEquals(0.0379458303, (double) avg.get("ci95"), 1e-9);
        Map<String, Object> pass = (Map<String, Object>) ((Map<String, Object>) paired.get("tarpo_minus_grpo")).get("pass_at_k");
        assertEquals(0.0, (double) pass.get("mean"), 1e-12);
        assertEquals(0.0, (double) pass.get("ci95"), 1e-12);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aggregateWithTIntervals() {
        Map<String, Object> a = ComparisonStatistics.aggregate(runs().get("grpo"));
        Map<String, Object> after = (Map<String, Object>) a.get("after"), before = (Map<String, Object>) a.get("before");
        // 0.40, 0.50, 0.45: mean 0.45, s = 0.05, 4.302653 · 0.05/√3 = 0.1242069
        assertEquals(0.45, (double) after.get("sampled_avg_at_k"), 1e-12);
        assertEquals(0.1242068856, (double) after.get("sampled_ci95"), 1e-9);
        assertEquals(0.65, (double) after.get("pass_at_k"), 1e-12);
        assertEquals(0.1242068856, (double) after.get("pass_at_k_ci95"), 1e-9);
        // before RL every seed has the shared warm start's value: the evaluation's own interval over problems
        assertEquals(0.05, (double) before.get("sampled_ci95"), 1e-12);
        Map<String, Object> one = (Map<String, Object>) ComparisonStatistics.aggregate(List.of(summary("grpo", 0, 0.4, 0.6))).get("after");
        assertNull(one.get("pass_at_k_ci95"), "one seed: no interval over seeds");
    }

    @Test
    void tableShowsMeansIntervalsAndDifferences() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("seeds", 3);
        Map<String, Object> aggregate = new LinkedHashMap<>();
        runs().forEach((m, list) -> aggregate.put(m, ComparisonStatistics.aggregate(list)));
        c.put("aggregate", aggregate);
        c.put("paired", ComparisonStatistics.paired(runs()));
        String t = ComparisonTable.of(c);
        assertTrue(t.contains("grpo     30.0 ± 5.0       45.0 ± 12.4      65.0 ± 12.4"), t);
        assertTrue(t.contains("tarpo - grpo     +2.3 ± 3.8       +0.0 ± 0.0       +2.0 / +1.0 / +4.0"), t);
    }

    @Test
    void aMissingSeedIsAnError() {
        Map<String, List<Map<String, Object>>> r = new LinkedHashMap<>(runs());
        r.put("tarpo", new ArrayList<>(r.get("tarpo").subList(0, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComparisonStatistics.paired(r));
        assertTrue(e.getMessage().contains("same seeds"), e.getMessage());
        assertTrue(ComparisonStatistics.paired(Map.of("tarpo", runs().get("tarpo"))).isEmpty(), "no baseline, no differences");
    }
}

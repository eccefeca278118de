package org.tarpo4j.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The soak's summary: growth over the warm-up step, and at equal step width, which a wide step cannot inflate. */
class SoakSummaryTest {
    private static Map<String, Object> step(int step, double rss, long width) {
        return Map.of("step", step, "memory/rss_mb", rss, "memory/heap_mb", 50.0, "memory/peak_rss_mb", 1200.0,
                "time/rollout_s", 1.0, "time/reference_s", 0.0, "time/update_s", 0.5, "completions/max_length", width);
    }

    @Test
    void aWideStepShowsAsGrowthOverTheWarmupButNotAtEqualWidth() {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            boolean wide = i == 12;
            // width 37 grows by 1 MB a step from 800 at step 1; one step of width 64 holds 1,100
            lines.add(step(i, wide ? 1100 : 799 + i, wide ? 64 : 37));
        }
        Map<String, Object> s = SoakCommand.summary(lines, 5);
        assertEquals(1100 / 804.0 - 1, (double) s.get("rss_growth_after_warmup"), 1e-12);
        @SuppressWarnings("unchecked")
        Map<String, Object> same = (Map<String, Object>) s.get("same_width");
        assertEquals(37L, same.get("completion_max_length"));
        assertEquals(15, same.get("steps"));                      // steps 5..20 but the wide one
        assertEquals((804 + 805 + 806) / 3.0, (double) same.get("rss_mb_first"), 1e-12);
        assertEquals((817 + 818 + 819) / 3.0, (double) same.get("rss_mb_last"), 1e-12);
        assertEquals(818.0 / 805.0 - 1, (double) same.get("growth"), 1e-12);
    }

    @Test
    void theSlowestStepIsJudgedFromTheWarmupStepOn() {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            Map<String, Object> m = new java.util.HashMap<>(step(i, 800, 37));
            m.put("time/rollout_s", i == 1 ? 20.0 : i == 7 ? 2.0 : 1.0);   // step 1 compiles; step 7 takes twice as long
            lines.add(m);
        }
        Map<String, Object> s = SoakCommand.summary(lines, 3);
        assertEquals(1.5, (double) s.get("median_step_s"), 1e-12);          // steps 3..9: six of 1.5 s, one of 2.5
        assertEquals(2.5 / 1.5, (double) s.get("slowest_step_over_median"), 1e-12);
        assertEquals(9, ((List<?>) s.get("step_s")).size());                 // the curve keeps every step
    }

    @Test
    void thePeakGrowsFromTheHighWaterMarkAtTheWarmupStep() {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            Map<String, Object> m = new java.util.HashMap<>(step(i, 800, 37));
            m.put("memory/peak_rss_mb", i < 4 ? 900.0 + i : i < 8 ? 1000.0 : 1050.0); // a high-water mark only rises
            lines.add(m);
        }
        Map<String, Object> s = SoakCommand.summary(lines, 5);
        assertEquals(1000.0, (double) s.get("peak_rss_mb_at_warmup"), 0);
        assertEquals(1050.0, (double) s.get("peak_rss_mb"), 0);
        assertEquals(0.05, (double) s.get("peak_rss_growth_after_warmup"), 1e-12);
    }

    @Test
    void theSlowestStepComesWithItsCpuAndCollectorTime() {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            Map<String, Object> m = new java.util.HashMap<>(step(i, 800, 37));
            m.put("time/update_s", i == 6 ? 2.0 : 0.5);      // step 6: 3.0 s against 1.5
            m.put("time/cpu_s", i == 6 ? 1.6 : i == 4 ? 2.4 : 1.5); // it computed as much as the others: it waited
            m.put("time/gc_s", i == 2 ? 0.9 : i == 6 ? 0.05 : 0.01);  // step 2's pause is before the warm-up step
            lines.add(m);
        }
        Map<String, Object> s = SoakCommand.summary(lines, 3);
        assertEquals(6, s.get("slowest_step"));
        assertEquals(2.0, (double) s.get("slowest_step_over_median"), 1e-12);
        assertEquals(1.6 / 1.5, (double) s.get("slowest_step_cpu_over_median"), 1e-12);
        assertEquals(0.05, (double) s.get("slowest_step_gc_s"), 0);
        assertEquals(0.05, (double) s.get("max_gc_s"), 0);
        assertEquals(7, ((List<?>) s.get("cpu_s")).size());
    }

    @Test
    void aLogWithoutWidthsHasNoEqualWidthFigure() {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            Map<String, Object> m = new java.util.HashMap<>(step(i, 800, 37));
            m.remove("completions/max_length");
            lines.add(m);
        }
        assertNull(SoakCommand.summary(lines, 2).get("same_width"));
    }
}

package org.tarpo4j.cli;

import java.util.Locale;
import java.util.Map;

/** The before/after lines of an embedded run's summary. */
final class Summaries {
    private Summaries() {}

    @SuppressWarnings("unchecked")
    static String beforeAfter(String mode, Map<String, Object> s) {
        Map<String, Object> before = (Map<String, Object>) s.get("before"), after = (Map<String, Object>) s.get("after");
        return String.format(Locale.ROOT, "held-out accuracy (%s, %d problems):%n"
                        + "  sampled avg@%d  before %.1f%% ± %.1f   after %.1f%% ± %.1f%n"
                        + "  greedy         before %.1f%%         after %.1f%%%n"
                        + "  soft ratio     before %.3f          after %.3f",
                mode, (Integer) after.get("problems"), (Integer) after.get("k"),
                100 * (double) before.get("sampled_avg_at_k"), 100 * (double) before.get("sampled_ci95"),
                100 * (double) after.get("sampled_avg_at_k"), 100 * (double) after.get("sampled_ci95"),
                100 * (double) before.get("greedy"), 100 * (double) after.get("greedy"),
                (double) before.get("soft_ratio"), (double) after.get("soft_ratio"));
    }
}

package org.tarpo4j.tests.fuzz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Outcome counts per category, the failures in full, and a summary table to quote. */
final class FuzzTally {
    private final Map<String, EnumMap<FuzzOutcome, Integer>> counts = new LinkedHashMap<>();
    private final List<FuzzRunner.Result> failures = new ArrayList<>();

    void add(FuzzRunner.Result r) {
        counts.computeIfAbsent(r.fuzzCase().category(), k -> new EnumMap<>(FuzzOutcome.class)).merge(r.outcome(), 1, Integer::sum);
        if (r.outcome() != FuzzOutcome.REJECTED) failures.add(r);
    }

    int total() {
        return counts.values().stream().mapToInt(FuzzTally::sum).sum();
    }

    int count(String category) {
        return sum(counts.getOrDefault(category, new EnumMap<>(FuzzOutcome.class)));
    }

    List<FuzzRunner.Result> failures() {
        return List.copyOf(failures);
    }

    private static int sum(Map<FuzzOutcome, Integer> m) {
        return m.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** One line per category and a total line, each with the count of every outcome. */
    String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-18s %6s", "category", "inputs"));
        for (FuzzOutcome o : FuzzOutcome.values()) b.append(String.format(Locale.ROOT, " %9s", o.name().toLowerCase(Locale.ROOT)));
        b.append('\n');
        EnumMap<FuzzOutcome, Integer> all = new EnumMap<>(FuzzOutcome.class);
        counts.forEach((category, m) -> {
            row(b, category, m);
            m.forEach((o, n) -> all.merge(o, n, Integer::sum));
        });
        row(b, "total", all);
        return b.toString();
    }

    private static void row(StringBuilder b, String label, Map<FuzzOutcome, Integer> m) {
        b.append(String.format(Locale.ROOT, "%-18s %6d", label, sum(m)));
        for (FuzzOutcome o : FuzzOutcome.values()) b.append(String.format(Locale.ROOT, " %9d", m.getOrDefault(o, 0)));
        b.append('\n');
    }
}

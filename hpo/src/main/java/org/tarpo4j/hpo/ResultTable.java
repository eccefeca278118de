package org.tarpo4j.hpo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The results as a text table, best score first, failed candidates last with their error. */
final class ResultTable {
    private ResultTable() {}

    /** Best first; ties keep generation order. */
    public static List<CandidateResult> sorted(List<CandidateResult> results) {
        List<CandidateResult> out = new ArrayList<>(results);
        out.sort(Comparator.comparing((CandidateResult r) -> !r.complete())
                .thenComparing(r -> r.complete() ? -r.score() : 0.0)
                .thenComparingInt(CandidateResult::index));
        return out;
    }

    public static String format(List<CandidateResult> results, List<SweepParameter> parameters, String metric) {
        List<String> header = new ArrayList<>(List.of("rank", "candidate"));
        parameters.forEach(p -> header.add(p.key()));
        header.addAll(List.of(metric, "seconds", "note"));
        List<List<String>> rows = new ArrayList<>();
        int rank = 0;
        for (CandidateResult r : sorted(results)) {
            List<String> row = new ArrayList<>(List.of(r.complete() ? Integer.toString(++rank) : "-", Integer.toString(r.index())));
            parameters.forEach(p -> row.add(Numbers.format(r.value(p))));
            row.add(r.complete() ? String.format(Locale.ROOT, "%.4f", r.score()) : "failed");
            row.add(String.format(Locale.ROOT, "%.0f", r.seconds()));
            row.add(r.complete() ? "" : r.error());
            rows.add(row);
        }
        int[] width = new int[header.size() - 1]; // the note column is last and not padded
        for (List<String> row : concat(header, rows)) {
            for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], row.get(i).length());
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : concat(header, rows)) {
            for (int i = 0; i < width.length; i++) b.append(String.format(Locale.ROOT, "%-" + (width[i] + 2) + "s", row.get(i)));
            b.append(row.get(width.length)).append('\n');
        }
        return b.toString().replaceAll(" +\n", "\n");
    }

    private static List<List<String>> concat(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }
}

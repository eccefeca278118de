package org.tarpo4j.hpo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mean score per cell over two swept parameters (the heat map's data). Each axis has one category per distinct value
 * (to four significant digits) when there are at most {@value #MAX_CATEGORIES}, as on a grid; otherwise, as after a
 * random search, {@value #BINS} equal bins over the range, on its own scale. A cell that no candidate completed is NaN.
 *
 * @param mean  [x][y] mean score of the completed candidates in the cell
 * @param count [x][y] how many completed
 */
record ScoreGrid(SweepParameter x, SweepParameter y, List<String> xLabels, List<String> yLabels, double[][] mean, int[][] count) {
    static final int MAX_CATEGORIES = 8, BINS = 5;

    public static ScoreGrid of(List<CandidateResult> results, ParameterRange xRange, ParameterRange y) {
        Axis xa = Axis.of(results, xRange), ya = Axis.of(results, y);
        double[][] sum = new double[xa.size()][ya.size()], mean = new double[xa.size()][ya.size()];
        int[][] count = new int[xa.size()][ya.size()];
        for (CandidateResult r : results) {
            if (!r.complete()) continue;
            int i = xa.index(r.value(xRange.parameter())), j = ya.index(r.value(y.parameter()));
            sum[i][j] += r.score();
            count[i][j]++;
        }
        for (int i = 0; i < xa.size(); i++) {
            for (int j = 0; j < ya.size(); j++) mean[i][j] = count[i][j] == 0 ? Double.NaN : sum[i][j] / count[i][j];
        }
        return new ScoreGrid(xRange.parameter(), y.parameter(), xa.labels, ya.labels, mean, count);
    }

    /** One axis: its labels and the cell of a value. Failed candidates still place their values on the axis. */
    private static final class Axis {
        final List<String> labels = new ArrayList<>();
        final List<Double> edges = new ArrayList<>(); // bins only: BINS + 1 edges on the axis's scale
        final boolean log;

        private Axis(boolean log) { this.log = log; }

        static Axis of(List<CandidateResult> results, ParameterRange r) {
            Map<String, Double> distinct = new LinkedHashMap<>();
            for (CandidateResult c : results) distinct.putIfAbsent(Numbers.format(c.value(r.parameter())), c.value(r.parameter()));
            Axis a = new Axis(r.log());
            if (distinct.size() <= MAX_CATEGORIES) {
                distinct.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> a.labels.add(e.getKey()));
                return a;
            }
            double lo = r.values() == null ? r.min() : distinct.values().stream().min(Comparator.naturalOrder()).orElseThrow();
            double hi = r.values() == null ? r.max() : distinct.values().stream().max(Comparator.naturalOrder()).orElseThrow();
            for (int k = 0; k <= BINS; k++) a.edges.add(a.fromScale(a.toScale(lo) + (a.toScale(hi) - a.toScale(lo)) * k / BINS));
            for (int k = 0; k < BINS; k++) a.labels.add(Numbers.format(a.edges.get(k)) + ".." + Numbers.format(a.edges.get(k + 1)));
            return a;
        }

        int size() { return labels.size(); }

        int index(double v) {
            if (edges.isEmpty()) return labels.indexOf(Numbers.format(v));
            double lo = toScale(edges.get(0)), hi = toScale(edges.get(BINS));
            int k = (int) Math.floor((toScale(v) - lo) / (hi - lo) * BINS);
            return Math.max(0, Math.min(BINS - 1, k));
        }

        private double toScale(double v) { return log ? Math.log(v) : v; }

        private double fromScale(double t) { return log ? Math.exp(t) : t; }
    }
}

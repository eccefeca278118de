package org.tarpo4j.examples.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.examples.embedded.Comparison;
import org.tarpo4j.examples.embedded.EmbeddedRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An HTML report of a run directory ({@code train}'s) or a comparison directory ({@code compare}'s): training curves,
 * held-out accuracy with 95% intervals (and a comparison's paired differences), and the routing view (held-out
 * completions with soft steps highlighted, the soft ratio per token class, and over TARPO's runs the soft ratio by
 * token class, entropy and position and the accuracy by soft share, with bootstrap intervals over seeds and problems:
 * {@link RoutingUncertainty}). Writes {@value #HTML} and its PNGs under {@code DIR/report/}, and the routing views' numbers
 * as {@code routing.json}.
 */
public final class ReportWriter {
    public static final String HTML = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReportWriter() {}

    public static Path write(Path dir) throws IOException {
        List<RunData> runs = new ArrayList<>();
        JsonNode comparison = null;
        if (Files.exists(dir.resolve(Comparison.FILE))) {
            comparison = JSON.readTree(dir.resolve(Comparison.FILE).toFile());
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) if (Files.exists(p.resolve(EmbeddedRun.SUMMARY))) runs.add(RunData.read(p));
            }
        } else if (Files.exists(dir.resolve("metrics.jsonl"))) {
            runs.add(RunData.read(dir));
        } else {
            throw new IllegalArgumentException(dir + ": neither a run (metrics.jsonl) nor a comparison (" + Comparison.FILE + ")");
        }
        Path out = dir.resolve("report");
        Files.createDirectories(out);
        int smooth = smoothingWindow(runs.get(0).metrics().size());
        Charts.lines(out.resolve("reward.png"), "Training reward", "reward", runs, "reward", smooth);
        // with beta = 0 there is no reference model: a flat zero would read as a measured KL of 0
        List<RunData> withKl = runs.stream().filter(RunData::hasKlTerm).toList();
        if (!withKl.isEmpty()) Charts.lines(out.resolve("kl.png"), "KL to the reference (token)", "kl", withKl, "kl", smooth);
        Charts.lines(out.resolve("soft_ratio.png"), "Soft ratio of sampled steps", "soft ratio", runs, "soft_ratio", smooth);
        Charts.lines(out.resolve("completion_length.png"), "Completion length", "tokens", runs, "completions/mean_length", smooth);
        accuracyChart(out.resolve("accuracy.png"), runs, comparison);

        RunData routed = runs.stream().filter(r -> r.mode().equals("tarpo") && !r.heldOut().isEmpty()).findFirst()
                .orElse(runs.stream().filter(r -> !r.heldOut().isEmpty()).findFirst().orElse(null));
        RoutingStats stats = routed == null ? null : RoutingStats.of(routed.heldOut(), "####");
        if (stats != null) {
            List<String> classes = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (TokenClass c : TokenClass.values()) {
                if (stats.steps(c) > 0) {
                    classes.add(RoutingStats.label(c, stats.steps(c)));
                    ratios.add(stats.softRatio(c));
                }
            }
            double[][] v = {ratios.stream().mapToDouble(Double::doubleValue).toArray()};
            Charts.bars(out.resolve("soft_by_class.png"), "Soft ratio by token class (" + routed.name() + ", held-out)", "soft ratio",
                    classes, List.of(routed.mode()), v, null);
        }
        // every TARPO run's held-out completions: one seed each, for the intervals over seeds and problems
        List<List<JsonNode>> tarpo = runs.stream().filter(r -> r.mode().equals("tarpo") && !r.heldOut().isEmpty()).map(RunData::heldOut).toList();
        RoutingUncertainty uncertainty = tarpo.isEmpty() ? null : RoutingUncertainty.of(tarpo, "####");
        if (uncertainty != null) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve(RoutingUncertainty.JSON).toFile(), uncertainty.toJson());
            for (RoutingUncertainty.View v : uncertainty.views()) {
                int n = v.ratios().length;
                double[] est = new double[n], lo = new double[n], hi = new double[n];
                for (int i = 0; i < n; i++) {
                    est[i] = v.ratios()[i].ratio();
                    lo[i] = v.ratios()[i].low();
                    hi[i] = v.ratios()[i].high();
                }
                Charts.intervals(out.resolve(v.file()), v.title() + " (TARPO, " + uncertainty.seeds() + " seed(s))", v.xLabel(), v.yLabel(),
                        v.bins(), est, lo, hi);
            }
        }
        Path html = out.resolve(HTML);
        Files.writeString(html, Html.page(dir, runs, comparison, routed, stats, uncertainty, smooth, !withKl.isEmpty(),
                HyperParameters.of(runs)));
        return html;
    }

    /** Steps of the moving average: a fifteenth of the run, so a curve keeps about fifteen independent points. */
    static int smoothingWindow(int steps) {
        return Math.max(1, steps / 15);
    }

    private static void accuracyChart(Path png, List<RunData> runs, JsonNode comparison) throws IOException {
        List<String> methods = new ArrayList<>();
        List<double[]> before = new ArrayList<>(), after = new ArrayList<>();
        if (comparison != null) {
            comparison.get("aggregate").fields().forEachRemaining(e -> {
                methods.add(e.getKey());
                before.add(new double[]{e.getValue().get("before").get("sampled_avg_at_k").asDouble(), e.getValue().get("before").get("sampled_ci95").asDouble()});
                after.add(new double[]{e.getValue().get("after").get("sampled_avg_at_k").asDouble(), e.getValue().get("after").get("sampled_ci95").asDouble()});
            });
        } else {
            for (RunData r : runs) {
                if (r.summary() == null) continue;
                methods.add(r.mode());
                JsonNode be = r.summary().get("before"); // a sweep candidate's run skips it
                before.add(be == null ? null : new double[]{be.get("sampled_avg_at_k").asDouble(), be.get("sampled_ci95").asDouble()});
                after.add(new double[]{r.summary().get("after").get("sampled_avg_at_k").asDouble(), r.summary().get("after").get("sampled_ci95").asDouble()});
            }
        }
        if (methods.isEmpty()) return;
        List<List<double[]>> series = before.contains(null) ? List.of(after) : List.of(before, after);
        double[][] v = new double[series.size()][methods.size()], e = new double[series.size()][methods.size()];
        for (int s = 0; s < series.size(); s++) {
            for (int i = 0; i < methods.size(); i++) {
                v[s][i] = 100 * series.get(s).get(i)[0];
                e[s][i] = 100 * series.get(s).get(i)[1];
            }
        }
        Charts.bars(png, "Held-out sampled accuracy (avg@k, 95% CI)", "accuracy %", methods,
                series.size() == 1 ? List.of("after RL") : List.of("before RL", "after RL"), v, e);
    }
}

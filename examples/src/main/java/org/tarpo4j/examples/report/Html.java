package org.tarpo4j.examples.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.examples.embedded.ComparisonTable;
import org.tarpo4j.examples.stats.ClusteredBootstrap;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report page. */
final class Html {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private Html() {}

    static String page(Path dir, List<RunData> runs, JsonNode comparison, RunData routed, RoutingStats stats,
                       RoutingUncertainty uncertainty, int smooth, boolean klTerm, HyperParameters hyper) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>tarpo4j report</title><style>")
                .append("body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append(".soft{background:#ffd54f;border-radius:3px}.ok{color:#2e7d32}.bad{color:#c62828}")
                .append("code{font-size:1.05em}img{max-width:100%}</style></head><body>");
        b.append("<h1>tarpo4j report</h1><p>").append(esc(dir.toAbsolutePath().toString())).append("</p>");

        b.append("<h2>Held-out accuracy</h2><table><tr><th>run</th><th>mode</th><th>sampled avg@k before</th>")
                .append("<th>sampled avg@k after</th><th>greedy before</th><th>greedy after</th><th>soft ratio after</th></tr>");
        for (RunData r : runs) {
            if (r.summary() == null) continue;
            JsonNode be = r.summary().get("before"), af = r.summary().get("after"); // no "before" in a sweep candidate's run
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.1f</td><td>%.3f</td></tr>",
                    esc(r.name()), esc(r.mode()), sampled(be), sampled(af), be == null ? "-" : String.format(Locale.ROOT, "%.1f",
                            100 * be.get("greedy").asDouble()), 100 * af.get("greedy").asDouble(), af.get("soft_ratio").asDouble()));
        }
        b.append("</table>");
        if (comparison != null) {
            b.append("<h3>Per method (").append(comparison.get("seeds").asInt()).append(" seed(s); 95% t interval over seeds when ")
                    .append("more than one) and paired differences against GRPO</h3><pre>");
            b.append(esc(ComparisonTable.of(JSON.convertValue(comparison, MAP)))).append("</pre>");
        }
        b.append("<img src=\"accuracy.png\">");

        b.append("<h2>Training</h2><p>Curves: ").append(esc(Charts.smoothingNote(smooth))).append(".</p>")
                .append("<img src=\"reward.png\"><img src=\"soft_ratio.png\">");
        b.append(klTerm ? "<img src=\"kl.png\">" : "<p>No KL term: &beta; = 0 in the trainer config, so there is no reference "
                + "model and no KL to plot.</p>");
        b.append("<img src=\"completion_length.png\">");
        hyperParameters(b, hyper);

        if (stats != null) {
            b.append("<h2>Routing</h2><p>Run <code>").append(esc(routed.name()))
                    .append("</code>, held-out completions after RL. A step is soft when the input at its token's position was the ")
                    .append("soft embedding; highlighted tokens below were soft. The table counts freely routed steps only (up to and ")
                    .append("including the answer marker; later steps are forced hard); a class with fewer than ")
                    .append(RoutingStats.FEW_STEPS).append(" steps is marked: its ratio rests on too few steps.</p>")
                    .append("<table><tr><th>token class</th><th>steps</th><th>soft ratio</th></tr>");
            for (TokenClass c : TokenClass.values()) {
                if (stats.steps(c) == 0) continue;
                b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d%s</td><td>%.3f</td></tr>", c.name().toLowerCase(Locale.ROOT),
                        stats.steps(c), stats.steps(c) < RoutingStats.FEW_STEPS ? " (few)" : "", stats.softRatio(c)));
            }
            b.append("</table><img src=\"soft_by_class.png\">");
            if (uncertainty != null) uncertainty(b, uncertainty);
            b.append("<h3>Completions</h3>");
            int shown = 0;
            for (JsonNode row : routed.heldOut()) {
                if (shown++ >= 40) break;
                boolean ok = row.get("reward").asDouble() >= 0.5;
                b.append("<p><code>").append(esc(row.get("prompt").asText())).append("</code> → <code>");
                JsonNode tokens = row.get("tokens"), routes = row.get("routes");
                for (int t = 0; t < tokens.size(); t++) {
                    String s = esc(tokens.get(t).asText());
                    b.append(routes.get(t).asInt() == 1 ? "<span class=\"soft\">" + s + "</span>" : s);
                }
                b.append("</code> <span class=\"").append(ok ? "ok\">✓" : "bad\">✗").append("</span> (gold ")
                        .append(esc(row.get("answer").asText())).append(")</p>");
            }
        }
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void hyperParameters(StringBuilder b, HyperParameters h) {
        if (h.runs().isEmpty()) return;
        b.append("<h2>Hyper-parameters</h2><p>From each run's trainer_config.json").append(h.runs().size() > 1
                ? "; settings every run shares, then those that differ." : ".").append("</p><table><tr><th>key</th><th>value</th></tr>");
        h.shared().forEach((k, v) -> b.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(v)).append("</td></tr>"));
        b.append("</table>");
        if (h.differing().isEmpty()) return;
        b.append("<table><tr><th>key</th>");
        for (String r : h.runs()) b.append("<th>").append(esc(r)).append("</th>");
        b.append("</tr>");
        h.differing().forEach((k, values) -> {
            b.append("<tr><td>").append(esc(k)).append("</td>");
            for (String v : values) b.append("<td>").append(esc(v)).append("</td>");
            b.append("</tr>");
        });
        b.append("</table>");
    }

    private static String sampled(JsonNode accuracy) {
        return accuracy == null ? "-" : String.format(Locale.ROOT, "%.1f ± %.1f", 100 * accuracy.get("sampled_avg_at_k").asDouble(),
                100 * accuracy.get("sampled_ci95").asDouble());
    }

    /** The routing study's views: a table and a plot each, intervals from resampling seeds, then problems. */
    private static void uncertainty(StringBuilder b, RoutingUncertainty u) {
        b.append("<h3>Routing with uncertainty</h3><p>Over TARPO's held-out completions after RL in ").append(u.seeds())
                .append(" run(s) (seeds) of up to ").append(u.problems()).append(" problems each; freely routed steps only. ")
                .append("95% intervals: percentile bootstrap, ").append(RoutingUncertainty.RESAMPLES)
                .append(" resamples of the seeds and, within each, of its problems with all their completions (seed ")
                .append(RoutingUncertainty.SEED).append("). Entropy: of the distribution the step's token was sampled from ")
                .append("(nats, at the sampling temperature). Position: (t + &frac12;)/n among a completion's n freely routed ")
                .append("steps. A bin with fewer than ").append(RoutingStats.FEW_STEPS).append(" steps or completions is marked.</p>");
        for (RoutingUncertainty.View v : u.views()) {
            boolean accuracy = v.yLabel().equals("accuracy");
            b.append("<h4>").append(esc(v.title())).append("</h4><table><tr><th>").append(esc(v.xLabel())).append("</th><th>")
                    .append(accuracy ? "completions" : "steps").append("</th><th>").append(esc(v.yLabel()))
                    .append("</th><th>95% interval</th></tr>");
            for (int i = 0; i < v.bins().size(); i++) {
                ClusteredBootstrap.Ratio r = v.ratios()[i];
                long n = Math.round(r.denominator());
                b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%d%s</td><td>%s</td><td>%s</td></tr>", esc(v.bins().get(i)), n,
                        n < RoutingStats.FEW_STEPS ? " (few)" : "", n == 0 ? "-" : String.format(Locale.ROOT, "%.3f", r.ratio()),
                        n == 0 || Double.isNaN(r.low()) ? "-" : String.format(Locale.ROOT, "%.3f-%.3f", r.low(), r.high())));
            }
            b.append("</table><img src=\"").append(v.file()).append("\">");
        }
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

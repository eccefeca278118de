package org.tarpo4j.examples.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.examples.stats.ClusteredBootstrap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where TARPO's router goes soft, with 95% bootstrap intervals over seeds and problems ({@link ClusteredBootstrap}:
 * the runs' seeds, then each seed's held-out problems with all their completions): the soft ratio by token class,
 * by the entropy of the step's token distribution, and by the step's position in the chain, and the accuracy of
 * completions by their share of soft steps. Steps after the answer marker are forced hard and left out, as in
 * {@link RoutingStats}.
 *
 * @param seeds    runs (seeds) the numbers come from
 * @param problems held-out problems per run (the most of any run)
 * @param views    the four views; the entropy view only where every completion recorded its entropies
 */
record RoutingUncertainty(int seeds, int problems, List<View> views) {
    /** The file the report writes {@link #toJson()} to. */
    static final String JSON = "routing.json";
    /** Resamples of every interval. */
    static final int RESAMPLES = 2000;
    /** The bootstrap's seed: a report drawn twice shows the same intervals. */
    static final long SEED = 0;

    /**
     * One view: a ratio per bin.
     *
     * @param file   the PNG's file name
     * @param title  what is plotted
     * @param xLabel the bins' axis
     * @param yLabel the ratio's name
     * @param bins   the bins' labels
     * @param ratios each bin's ratio with its interval and denominator
     */
    record View(String file, String title, String xLabel, String yLabel, List<String> bins, ClusteredBootstrap.Ratio[] ratios) {}

    /**
     * @param completionsBySeed each TARPO run's held-out completions ({@code prompt}, {@code tokens}, {@code routes},
     *                          {@code reward}, and {@code entropies} where recorded)
     * @param marker            the answer marker
     */
    static RoutingUncertainty of(List<List<JsonNode>> completionsBySeed, String marker) {
        int seeds = completionsBySeed.size();
        List<List<List<JsonNode>>> units = new ArrayList<>();
        boolean entropies = true;
        int problems = 0;
        for (List<JsonNode> rows : completionsBySeed) {
            Map<String, List<JsonNode>> byPrompt = new LinkedHashMap<>();
            for (JsonNode row : rows) {
                byPrompt.computeIfAbsent(row.get("prompt").asText(), p -> new ArrayList<>()).add(row);
                entropies &= row.has("entropies");
            }
            units.add(new ArrayList<>(byPrompt.values()));
            problems = Math.max(problems, byPrompt.size());
        }
        int classes = ChainTokenClass.values().length;
        double[][][][] num = new double[4][seeds][][], den = new double[4][seeds][][];
        int[] groups = {classes, Bins.ENTROPY.size(), Bins.POSITION.size(), Bins.SOFT_SHARE.size()};
        for (int s = 0; s < seeds; s++) {
            int n = units.get(s).size();
            for (int v = 0; v < 4; v++) {
                num[v][s] = new double[n][groups[v]];
                den[v][s] = new double[n][groups[v]];
            }
            for (int u = 0; u < n; u++) {
                for (JsonNode row : units.get(s).get(u)) {
                    List<String> tokens = new ArrayList<>();
                    row.get("tokens").forEach(t -> tokens.add(t.asText()));
                    ChainTokenClass[] cls = ChainTokenClass.of(tokens, marker);
                    int free = freeSteps(tokens, marker), soft = 0;
                    for (int t = 0; t < free; t++) {
                        int route = row.get("routes").get(t).asInt();
                        soft += route;
                        count(num[0][s][u], den[0][s][u], cls[t].ordinal(), route);
                        if (entropies) count(num[1][s][u], den[1][s][u], Bins.entropy(row.get("entropies").get(t).asDouble()), route);
                        count(num[2][s][u], den[2][s][u], Bins.position(t, free), route);
                    }
                    double share = free == 0 ? 0 : (double) soft / free;
                    count(num[3][s][u], den[3][s][u], Bins.softShare(share), row.get("reward").asDouble() >= 0.5 ? 1 : 0);
                }
            }
        }
        List<String> classLabels = new ArrayList<>();
        for (ChainTokenClass c : ChainTokenClass.values()) classLabels.add(c.label());
        List<View> views = new ArrayList<>();
        views.add(view(num[0], den[0], "soft_by_chain_class.png", "Soft ratio by token class", "token class", "soft ratio", classLabels));
        if (entropies) {
            views.add(view(num[1], den[1], "soft_by_entropy.png", "Soft ratio by the entropy of the step's token distribution",
                    "entropy (nats)", "soft ratio", Bins.ENTROPY));
        }
        views.add(view(num[2], den[2], "soft_by_position.png", "Soft ratio by position among the freely routed steps",
                "position in the chain", "soft ratio", Bins.POSITION));
        views.add(view(num[3], den[3], "accuracy_by_soft_share.png", "Accuracy by the completion's share of soft steps",
                "soft steps / freely routed steps", "accuracy", Bins.SOFT_SHARE));
        return new RoutingUncertainty(seeds, problems, views);
    }

    private static View view(double[][][] num, double[][][] den, String file, String title, String x, String y, List<String> bins) {
        return new View(file, title, x, y, bins, ClusteredBootstrap.ratios(num, den, RESAMPLES, SEED));
    }

    private static void count(double[] num, double[] den, int group, int hit) {
        num[group] += hit;
        den[group] += 1;
    }

    /** Steps routed freely: up to and including the one that completes the answer marker (later ones are forced hard). */
    static int freeSteps(List<String> tokens, String marker) {
        StringBuilder text = new StringBuilder();
        for (int t = 0; t < tokens.size(); t++) {
            if (text.indexOf(marker) >= 0) return t;
            text.append(tokens.get(t));
        }
        return tokens.size();
    }

    /**
     * The views as data (the report's {@value #JSON}): per bin its label, denominator ({@code n}: steps, or
     * completions), ratio and 95% interval; null where a bin is empty.
     *
     * @return {@code {"seeds", "problems", "resamples", "views": [{"file", "title", "x_label", "y_label", "bins": [...]}]}}
     */
    ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("seeds", seeds).put("problems", problems).put("resamples", RESAMPLES);
        ArrayNode list = root.putArray("views");
        for (View v : views) {
            ObjectNode view = list.addObject().put("file", v.file()).put("title", v.title()).put("x_label", v.xLabel())
                    .put("y_label", v.yLabel());
            ArrayNode bins = view.putArray("bins");
            for (int i = 0; i < v.bins().size(); i++) {
                ClusteredBootstrap.Ratio r = v.ratios()[i];
                ObjectNode bin = bins.addObject().put("bin", v.bins().get(i)).put("n", Math.round(r.denominator()));
                putFinite(bin, "ratio", r.ratio());
                putFinite(bin, "low", r.low());
                putFinite(bin, "high", r.high());
            }
        }
        return root;
    }

    private static void putFinite(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) node.put(key, value); else node.putNull(key);
    }
}

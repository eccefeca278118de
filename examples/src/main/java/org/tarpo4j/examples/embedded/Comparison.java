package org.tarpo4j.examples.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.tarpo4j.rl.eval.PassAtK;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GRPO, HRPO and TARPO (and COCONUT's supervised curriculum) from the same warm start with the same rollout budget and seeds, each evaluated on the same
 * held-out problems; {@value #FILE} holds every run's summary and the per-method aggregate (mean over seeds with a
 * 95% interval over seeds, or the evaluation's own interval with one seed).
 */
public final class Comparison {
    public static final String FILE = "compare.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Comparison() {}

    @SuppressWarnings("unchecked")
    public static Map<String, Object> run(EmbeddedTask task, Path warmStart, Path dir, List<String> methods, int seeds)
            throws IOException {
        Files.createDirectories(dir);
        Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
        for (int seed = 0; seed < seeds; seed++) {
            for (String method : methods) {
                Path runDir = dir.resolve(method + "-seed" + seed);
                System.err.printf(Locale.ROOT, "== %s, seed %d -> %s%n", method, seed, runDir); // progress, not the result
                Map<String, Object> summary = method.equals("coconut") ? CoconutRun.run(task, warmStart, runDir, seed)
                        : EmbeddedRun.run(task, warmStart, runDir, method, seed);
                runs.computeIfAbsent(method, m -> new ArrayList<>()).add(summary);
            }
        }
        Map<String, Object> aggregate = new LinkedHashMap<>();
        runs.forEach((method, list) -> aggregate.put(method, aggregate(list)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("preset", task.preset().name());
        out.put("seeds", seeds);
        out.put("methods", methods);
        out.put("aggregate", aggregate);
        out.put("runs", runs);
        Files.writeString(dir.resolve(FILE), JSON.writeValueAsString(out));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> aggregate(List<Map<String, Object>> runs) {
        Map<String, Object> a = new LinkedHashMap<>();
        for (String when : List.of("before", "after")) {
            double[] sampled = new double[runs.size()], greedy = new double[runs.size()], pass = new double[runs.size()],
                    soft = new double[runs.size()];
            double singleCi = Double.NaN;
            for (int i = 0; i < runs.size(); i++) {
                Map<String, Object> s = (Map<String, Object>) runs.get(i).get(when);
                sampled[i] = ((Number) s.get("sampled_avg_at_k")).doubleValue();
                greedy[i] = ((Number) s.get("greedy")).doubleValue();
                pass[i] = ((Number) s.get("pass_at_k")).doubleValue();
                soft[i] = ((Number) s.get("soft_ratio")).doubleValue();
                singleCi = ((Number) s.get("sampled_ci95")).doubleValue();
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sampled_avg_at_k", mean(sampled));
            // over seeds when they differ; identical values (one seed, or the shared warm start before RL) have only
            // the evaluation's own interval over problems
            boolean varies = java.util.Arrays.stream(sampled).distinct().count() > 1;
            m.put("sampled_ci95", varies ? PassAtK.halfWidth95(sampled) : singleCi);
            m.put("greedy", mean(greedy));
            m.put("pass_at_k", mean(pass));
            m.put("soft_ratio", mean(soft));
            m.put("per_seed_sampled", sampled);
            a.put(when, m);
        }
        return a;
    }

    /** The aggregate as a table (percentages). */
    @SuppressWarnings("unchecked")
    public static String table(Map<String, Object> comparison) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-6s %-22s %-22s %-10s %-10s %-10s%n", "method", "sampled avg@k before", "sampled avg@k after",
                "greedy", "pass@k", "soft"));
        ((Map<String, Object>) comparison.get("aggregate")).forEach((method, v) -> {
            Map<String, Object> before = (Map<String, Object>) ((Map<String, Object>) v).get("before");
            Map<String, Object> after = (Map<String, Object>) ((Map<String, Object>) v).get("after");
            b.append(String.format(Locale.ROOT, "%-6s %6.1f ± %-13.1f %6.1f ± %-13.1f %-10.1f %-10.1f %-10.3f%n", method,
                    100 * (double) before.get("sampled_avg_at_k"), 100 * (double) before.get("sampled_ci95"),
                    100 * (double) after.get("sampled_avg_at_k"), 100 * (double) after.get("sampled_ci95"),
                    100 * (double) after.get("greedy"), 100 * (double) after.get("pass_at_k"), (double) after.get("soft_ratio")));
        });
        return b.toString();
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }
}

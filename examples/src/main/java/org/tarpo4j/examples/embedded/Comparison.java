package org.tarpo4j.examples.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GRPO, HRPO and TARPO (and COCONUT's supervised curriculum) with the same rollout budget: for each seed every method
 * starts from the same warm start with the same RL seed (so training problems and sampling streams match) and is
 * evaluated on the same held-out problems with the same evaluation seed. {@value #FILE} holds the settings, every run's
 * summary, each method's aggregate ({@link ComparisonStatistics#aggregate}) and the paired per-seed differences against
 * GRPO ({@link ComparisonStatistics#paired}).
 */
public final class Comparison {
    public static final String FILE = "compare.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Comparison() {}

    /** The warm start a seed's runs start from, trained first if it is not cached yet. */
    @FunctionalInterface
    public interface WarmStarts {
        Path forSeed(long seed) throws IOException;
    }

    /** Every seed from one warm start, {@link WarmStartMode#SHARED}. */
    public static Map<String, Object> run(EmbeddedTask task, Path warmStart, Path dir, List<String> methods, int seeds) throws IOException {
        return run(task, seed -> warmStart, WarmStartMode.SHARED, dir, methods, seeds);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> run(EmbeddedTask task, WarmStarts warmStarts, WarmStartMode mode, Path dir, List<String> methods,
                                          int seeds) throws IOException {
        Files.createDirectories(dir);
        Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
        Map<String, Object> warmStartBySeed = new LinkedHashMap<>();
        long start = System.nanoTime(), warmNanos = 0;
        for (int seed = 0; seed < seeds; seed++) {
            long w = System.nanoTime();
            Path warm = warmStarts.forSeed(seed);
            warmNanos += System.nanoTime() - w;
            warmStartBySeed.put(Integer.toString(seed), warm.toString());
            for (String method : methods) {
                Path runDir = dir.resolve(method + "-seed" + seed);
                System.err.printf(Locale.ROOT, "== %s, seed %d -> %s%n", method, seed, runDir); // progress, not the result
                Map<String, Object> summary = method.equals("coconut") ? CoconutRun.run(task, warm, runDir, seed)
                        : EmbeddedRun.run(task, warm, runDir, method, seed);
                runs.computeIfAbsent(method, m -> new ArrayList<>()).add(summary);
            }
        }
        Map<String, Object> aggregate = new LinkedHashMap<>();
        runs.forEach((method, list) -> aggregate.put(method, ComparisonStatistics.aggregate(list)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("preset", task.preset().name());
        out.put("seeds", seeds);
        out.put("methods", methods);
        Map<String, Object> settings = settings(task.preset(), mode);
        settings.put("warm_starts", warmStartBySeed);
        out.put("settings", settings);
        out.put("aggregate", aggregate);
        out.put("paired", ComparisonStatistics.paired(runs));
        // the study's wall time, warm starts (trained or taken from the cache) included
        Map<String, Object> time = new LinkedHashMap<>();
        time.put("warm_starts", warmNanos / 1e9);
        time.put("total", (System.nanoTime() - start) / 1e9);
        out.put("time_s", time);
        out.put("runs", runs);
        Files.writeString(dir.resolve(FILE), JSON.writeValueAsString(out));
        return out;
    }

    /** What the runs of a comparison share, under the trainer config's and Hugging Face's key names where they exist. */
    static Map<String, Object> settings(EmbeddedPreset p, WarmStartMode mode) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("min_operations", p.task().minOps());
        s.put("max_operations", p.task().maxOps());
        s.put("max_operand", p.task().maxOperand());
        s.put("hidden_size", p.hidden());
        s.put("num_hidden_layers", p.layers());
        s.put("num_attention_heads", p.heads());
        s.put("num_key_value_heads", p.kvHeads());
        s.put("intermediate_size", p.intermediate());
        s.put("action_bias", p.actionBias());
        s.put("soft_top_k", p.softTopK());
        s.put("max_steps", p.rlSteps());
        s.put("prompts_per_step", p.promptsPerStep());
        s.put("num_generations", p.numGenerations());
        s.put("max_completion_length", p.maxCompletionLength());
        s.put("sft_max_steps", p.sftMaxSteps());
        s.put("eval_problems", p.evalProblems());
        s.put("eval_samples", p.evalSamples());
        s.put("warm_start", mode.id());
        return s;
    }

    /** The comparison as a text table ({@link ComparisonTable}). */
    public static String table(Map<String, Object> comparison) {
        return ComparisonTable.of(comparison);
    }
}

package org.tarpo4j.rl.train;

import org.tarpo4j.models.memory.MemoryProbe;

import org.tarpo4j.rl.policy.Completion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles a step's metrics under TRL's names where TRL has the concept: {@code epoch} is fractional passes over the
 * data, {@code num_tokens} the prompt and completion tokens seen so far, {@code rewards/<name>/std} over the batch,
 * {@code clip_ratio/low_mean|high_mean|region_mean} the share of completion tokens clipped.
 */
final class StepMetricsBuilder {
    private StepMetricsBuilder() {}

    static StepMetrics build(int step, double epoch, long numTokens, List<Completion> completions, double[] reward, Map<String, double[]> byName,
                             double[] advantages, TarpoConfig c, Map<String, Double> loss, double gradNorm, double lrFactor,
                             boolean skipped, int skippedTotal, long rolloutNanos, long referenceNanos, long updateNanos,
                             double cpuSeconds, double gcSeconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("epoch", epoch);
        m.put("reward", mean(reward));
        m.put("reward_std", meanGroupStd(reward, c.numGenerations));
        byName.forEach((k, v) -> {
            m.put("rewards/" + k + "/mean", mean(v));
            m.put("rewards/" + k + "/std", std(v));
        });
        m.put("frac_reward_zero_std", org.tarpo4j.rl.core.Advantages.fractionZeroStd(reward, c.numGenerations));
        int min = Integer.MAX_VALUE, max = 0, truncated = 0;
        long tokens = 0, soft = 0;
        for (Completion x : completions) {
            min = Math.min(min, x.length());
            max = Math.max(max, x.length());
            tokens += x.length();
            soft += x.softSteps();
            if (!x.stopped()) truncated++;
        }
        int n = completions.size();
        m.put("num_tokens", numTokens);
        m.put("completions/mean_length", (double) tokens / n);
        m.put("completions/min_length", min);
        m.put("completions/max_length", max);
        m.put("completions/clipped_ratio", (double) truncated / n);
        m.put("soft_ratio", tokens == 0 ? 0.0 : (double) soft / tokens);
        m.put("effective_tokens", (double) (tokens - soft) / n);
        m.put("loss", loss.getOrDefault("loss", Double.NaN));
        m.put("kl", loss.getOrDefault("kl", 0.0));
        m.put("kl_route", loss.getOrDefault("kl_route", 0.0));
        m.put("entropy", loss.getOrDefault("entropy", Double.NaN));
        if (loss.containsKey("route_entropy")) m.put("route_entropy", loss.get("route_entropy"));
        m.put("clip_ratio/low_mean", loss.getOrDefault("clip_ratio_low", 0.0));
        m.put("clip_ratio/high_mean", loss.getOrDefault("clip_ratio_high", 0.0));
        m.put("clip_ratio/region_mean", loss.getOrDefault("clip_ratio", 0.0));
        m.put("advantage_abs_mean", meanAbs(advantages));
        m.put("grad_norm", gradNorm);
        m.put("learning_rate", c.learningRate * lrFactor);
        m.put("action_learning_rate", c.actionLearningRate * lrFactor);
        m.put("skipped", skipped ? 1 : 0);
        m.put("skipped_steps", skippedTotal);
        m.put("time/rollout_s", rolloutNanos / 1e9);
        m.put("time/reference_s", referenceNanos / 1e9);
        m.put("time/update_s", updateNanos / 1e9);
        // over the same span: what the process computed and how long the collector paused it (a slow step's cause)
        if (!Double.isNaN(cpuSeconds)) m.put("time/cpu_s", cpuSeconds);
        m.put("time/gc_s", gcSeconds);
        // what the process holds at the end of the step: a long run's memory curve is in its own log
        MemoryProbe memory = MemoryProbe.now();
        m.put("memory/rss_mb", memory.residentBytes() / 1e6);
        m.put("memory/peak_rss_mb", memory.peakResidentBytes() / 1e6);
        m.put("memory/heap_mb", memory.heapBytes() / 1e6);
        return new StepMetrics(step, m);
    }

    /** Prompt plus completion tokens of a step's rows (each completion with its prompt, padding excluded), as TRL counts. */
    static long tokens(List<int[]> prompts, List<Completion> completions) {
        long t = 0;
        for (Completion c : completions) t += prompts.get(c.promptIndex()).length + c.length();
        return t;
    }

    /** Standard deviation with Bessel's correction, as TRL's {@code rewards/<name>/std} (torch's std). */
    static double std(double[] x) {
        if (x.length < 2) return 0;
        double m = mean(x), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return Math.sqrt(s / (x.length - 1));
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return x.length == 0 ? 0 : s / x.length;
    }

    private static double meanAbs(double[] x) {
        double s = 0;
        for (double v : x) s += Math.abs(v);
        return x.length == 0 ? 0 : s / x.length;
    }

    private static double meanGroupStd(double[] r, int g) {
        double total = 0;
        int groups = 0;
        for (int start = 0; start + g <= r.length; start += g, groups++) {
            double m = 0;
            for (int i = start; i < start + g; i++) m += r[i];
            m /= g;
            double s = 0;
            for (int i = start; i < start + g; i++) s += (r[i] - m) * (r[i] - m);
            total += Math.sqrt(s / Math.max(1, g - 1));
        }
        return groups == 0 ? 0 : total / groups;
    }
}

package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.EmbeddedRun;
import org.tarpo4j.examples.embedded.EmbeddedTask;
import org.tarpo4j.examples.embedded.WarmStart;
import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.stats.Median;
import org.tarpo4j.rl.train.MetricsLog;
import org.tarpo4j.rl.train.TarpoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Runs N training steps and reports the process's memory after every step (resident, peak resident "
                + "and Java heap, as each step's memory/* metrics log them; ND4J's arrays count in the resident memory) and each step's time "
                + "(wall, the process's CPU and the collector's, time/*): one JSON line with the curves and their summary (growth after "
                + "the warm-up, of the step-end reading and of the peak; same_width: the growth between steps whose widest completion is "
                + "the same, which a wide step cannot inflate; the slowest step from the warm-up step on against the median, with its CPU "
                + "time over the median's and its collector time). "
                + "Other --key value pairs override the config's keys, as train's do (e.g. --chunk_length 32).")
final class SoakCommand implements Callable<Integer> {
    @Mixin
    EmbeddedOptions embedded;

    @Option(names = "--config", description = "a trainer config (JSON or YAML); default: the embedded task's RL run from its "
            + "warm start (trained and cached under RUNS/embedded when missing)")
    Path config;

    @Option(names = "--steps", defaultValue = "1000", description = "steps to run (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "50", description = "the step whose memory the later ones are compared with (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--output-dir", description = "where the run goes (default: a new temporary directory)")
    Path outputDir;

    /** Config keys as {@code --key value}, as {@code train} takes them (e.g. {@code --chunk_length 32}). */
    @Unmatched
    List<String> overrides;

    @Override
    public Integer call() throws Exception {
        if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        if (warmup < 1 || warmup > steps) throw new IllegalArgumentException("--warmup must be in [1, --steps], got " + warmup);
        Map<String, String> overrides = new LinkedHashMap<>(Overrides.parse(this.overrides));
        for (String k : List.of("max_steps", "output_dir", "save_steps", "log_completions_steps")) {
            if (overrides.containsKey(k)) throw new IllegalArgumentException("--" + k + ": soak sets it (use --steps and --output-dir)");
        }
        Path out = outputDir != null ? outputDir : Files.createTempDirectory("tarpo-soak");
        overrides.putAll(Map.of("max_steps", String.valueOf(steps), "output_dir", out.toString(),
                "save_steps", "0", "log_completions_steps", "0"));
        if (config != null && !TarpoConfig.read(config, overrides).dataFormat.equals(EmbeddedRun.ARITH)) {
            GenericTraining.run(TarpoConfig.read(config, overrides), false, false, System.err); // stdout: the result only
        } else {
            try (EmbeddedTask task = embedded.task()) {
                TarpoConfig c;
                if (config != null) {
                    c = TarpoConfig.read(config, overrides);
                } else {
                    Path warm = EmbeddedLayout.warmStart(embedded.runs, embedded.preset(), 0);
                    WarmStart.ensure(task, warm, 0);
                    c = EmbeddedRun.config(task.preset(), "tarpo", 0, warm).withOverrides(overrides);
                }
                EmbeddedRun.run(task, c, out, false);
            }
        }
        System.out.println(CliSupport.json(summary(MetricsLog.read(out), warmup)));
        return 0;
    }

    /**
     * The per-step curves and what they show: growth over the warm-up step's resident memory at step ends and of the
     * high-water mark, the same at equal step width ({@link #sameWidthGrowth}), the slowest step with its CPU and
     * collector time (whether it worked, paused or waited).
     */
    static Map<String, Object> summary(List<Map<String, Object>> lines, int warmup) {
        List<Double> rss = new ArrayList<>(), heap = new ArrayList<>(), seconds = new ArrayList<>();
        List<Double> cpu = new ArrayList<>(), gc = new ArrayList<>(); // absent from logs written before they were
        for (Map<String, Object> m : lines) {
            rss.add(number(m, "memory/rss_mb"));
            heap.add(number(m, "memory/heap_mb"));
            seconds.add(number(m, "time/rollout_s") + number(m, "time/reference_s") + number(m, "time/update_s"));
            if (m.get("time/cpu_s") instanceof Number c) cpu.add(c.doubleValue());
            if (m.get("time/gc_s") instanceof Number g) gc.add(g.doubleValue());
        }
        int from = warmup - 1; // from the warm-up step on, as memory: the first steps compile and allocate what later ones reuse
        double atWarmup = rss.get(from);
        double maxAfter = max(rss.subList(from, rss.size()));
        double peakAtWarmup = number(lines.get(from), "memory/peak_rss_mb"), peak = number(lines.get(lines.size() - 1), "memory/peak_rss_mb");
        double median = median(seconds.subList(from, seconds.size()));
        int slowest = from;
        for (int i = from; i < seconds.size(); i++) if (seconds.get(i) > seconds.get(slowest)) slowest = i;
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("steps", lines.size());
        s.put("warmup_step", warmup);
        s.put("rss_mb_at_warmup", atWarmup);
        s.put("max_rss_mb_after_warmup", maxAfter);
        s.put("rss_growth_after_warmup", maxAfter / atWarmup - 1);
        // the high-water mark (VmHWM): what the process has needed at its most, within steps as well as at their ends
        s.put("peak_rss_mb_at_warmup", peakAtWarmup);
        s.put("peak_rss_mb", peak);
        s.put("peak_rss_growth_after_warmup", peak / peakAtWarmup - 1);
        s.put("median_step_s", median);
        s.put("slowest_step", slowest + 1);
        s.put("slowest_step_over_median", seconds.get(slowest) / median);
        if (cpu.size() == lines.size()) {
            // near 1 while the wall time doubled: the step waited (the host, another process); near 2: it worked more
            s.put("slowest_step_cpu_over_median", cpu.get(slowest) / median(cpu.subList(from, cpu.size())));
        }
        if (gc.size() == lines.size()) {
            s.put("slowest_step_gc_s", gc.get(slowest));
            s.put("max_gc_s", max(gc.subList(from, gc.size())));
        }
        Map<String, Object> sameWidth = sameWidthGrowth(lines, warmup);
        if (sameWidth != null) s.put("same_width", sameWidth);
        s.put("rss_mb", rss);
        s.put("heap_mb", heap);
        s.put("step_s", seconds);
        if (cpu.size() == lines.size()) s.put("cpu_s", cpu);
        if (gc.size() == lines.size()) s.put("gc_s", gc);
        return s;
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    private static double median(List<Double> xs) {
        return Median.of(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Occurrences of the common width averaged at each end of the run: one step's reading varies by a few percent. */
    static final int ENDS = 3;

    /**
     * Growth at equal shape: a step's working set follows its widest completion (the rows are padded to it), so a
     * narrow step 50 against a step that hit {@code max_completion_length} shows the shape, not a leak. Over the
     * steps after the warm-up whose {@code completions/max_length} is the most common, the mean resident memory of
     * the last {@value #ENDS} over that of the first {@value #ENDS} (of the first and last one with fewer than
     * {@code 2·ENDS}). Null when the log has no widths.
     */
    static Map<String, Object> sameWidthGrowth(List<Map<String, Object>> lines, int warmup) {
        Map<Long, List<Double>> byWidth = new java.util.TreeMap<>();
        for (Map<String, Object> m : lines.subList(warmup - 1, lines.size())) {
            if (!(m.get("completions/max_length") instanceof Number w)) return null;
            byWidth.computeIfAbsent(w.longValue(), k -> new ArrayList<>()).add(number(m, "memory/rss_mb"));
        }
        var common = byWidth.entrySet().stream().max(java.util.Comparator.comparingInt(e -> e.getValue().size())).orElseThrow();
        List<Double> rss = common.getValue();
        int ends = rss.size() >= 2 * ENDS ? ENDS : 1;
        double first = rss.subList(0, ends).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = rss.subList(rss.size() - ends, rss.size()).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("completion_max_length", common.getKey());
        s.put("steps", rss.size());
        s.put("rss_mb_first", first);
        s.put("rss_mb_last", last);
        s.put("growth", last / first - 1);
        return s;
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) throw new IllegalStateException("metrics.jsonl has no '" + key + "' in step " + m.get("step"));
        return n.doubleValue();
    }
}

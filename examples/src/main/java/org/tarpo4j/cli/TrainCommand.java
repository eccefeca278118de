package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.embedded.EmbeddedPreset;
import org.tarpo4j.examples.embedded.EmbeddedRun;
import org.tarpo4j.examples.embedded.EmbeddedTask;
import org.tarpo4j.examples.embedded.WarmStart;
import org.tarpo4j.rl.train.TarpoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Without --config: the embedded default. A small Qwen2-shaped model learns multi-step arithmetic by "
                + "SFT (warm start, cached under RUNS/embedded), then TARPO; held-out accuracy before and after RL is printed "
                + "and everything is written under RUNS/<timestamp>/.",
                "With --config FILE (JSON or YAML, TRL GRPOConfig names): RL on a Hugging Face model and a JSONL dataset; "
                        + "any config key can be overridden as --key value (e.g. --beta 0.01 --max-steps 50)."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    EmbeddedOptions embedded;

    @Option(names = "--config", description = "trainer config file (JSON or YAML)")
    Path config;

    @Option(names = "--resume", description = "continue the run in the config's output_dir from its last complete checkpoint")
    boolean resume;

    @Option(names = "--mode", defaultValue = "tarpo", description = "tarpo, grpo, hrpo, or (embedded default only) coconut, its supervised curriculum; with --config it overrides the file's mode (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--seed", defaultValue = "0", description = "seed of SFT and RL; with --config it overrides the file's seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--plan", description = "with --config: print the step's memory plan (weights, optimizer state, rollout "
            + "and update working memory, the planned peak against the limit) and the batch sizes it picks, then stop; "
            + "refused, naming the key to change, when it cannot fit")
    boolean plan;

    @Option(names = "--spark-master", description = "RL on Apache Spark: local[N], spark://host:port, ... (the config key spark_master); "
            + "the same result as on one machine")
    String sparkMaster;

    @Unmatched
    List<String> overrides;

    @Spec
    CommandSpec spec;

    /** The --key value overrides, with --mode and --seed (options of the embedded default too) when given. */
    private Map<String, String> configOverrides() {
        Map<String, String> o = new LinkedHashMap<>();
        ParseResult parsed = spec.commandLine().getParseResult();
        if (parsed.hasMatchedOption("--mode")) o.put("mode", mode);
        if (parsed.hasMatchedOption("--seed")) o.put("seed", Long.toString(seed));
        Overrides.parse(overrides).forEach((k, v) -> {
            if (o.containsKey(k.replace('-', '_'))) throw new IllegalArgumentException("--" + k + " is given twice");
            o.put(k, v);
        });
        return o;
    }

    @Override
    public Integer call() throws Exception {
        if (config != null) {
            Map<String, String> keys = configOverrides();
            if (sparkMaster != null) keys.put("spark_master", sparkMaster);
            TarpoConfig c = TarpoConfig.read(config, keys);
            if (!c.dataFormat.equals(EmbeddedRun.ARITH)) return GenericTraining.run(c, resume, plan, System.out);
            // the embedded task with a given trainer config (e.g. a sweep's best_config.json)
            try (EmbeddedTask task = embedded.task()) {
                Path run = EmbeddedLayout.newRun(embedded.runs, c.mode.id());
                System.out.println(Summaries.beforeAfter(c.mode.id(), EmbeddedRun.run(task, c, run, true)));
                System.out.println("run: " + run);
            }
            return 0;
        }
        if (overrides != null && !overrides.isEmpty()) throw new IllegalArgumentException("unknown options " + overrides + " (config overrides need --config)");
        EmbeddedPreset p = embedded.preset();
        try (EmbeddedTask task = embedded.task()) {
            long t0 = System.nanoTime();
            Path warmDir = EmbeddedLayout.warmStart(embedded.runs, p, seed);
            WarmStart.Result warm = WarmStart.ensure(task, warmDir, seed);
            System.out.println(warm.reused() ? "warm start: reusing " + warmDir
                    : String.format(Locale.ROOT, "warm start: %d SFT steps, sampled accuracy %.3f -> %s", warm.steps(), warm.sampledAccuracy(), warmDir));
            Path run = EmbeddedLayout.newRun(embedded.runs, mode);
            // coconut is a supervised curriculum, not RL; the same command runs it for a side-by-side look
            if (sparkMaster != null && mode.equals("coconut")) throw new IllegalArgumentException("--spark-master: coconut is supervised, not RL; it runs here");
            Map<String, Object> s;
            if (mode.equals("coconut")) {
                s = org.tarpo4j.examples.embedded.CoconutRun.run(task, warmDir, run, seed);
            } else {
                TarpoConfig c = EmbeddedRun.config(p, mode, seed, warmDir);
                c.sparkMaster = sparkMaster;
                s = EmbeddedRun.run(task, c, run, true);
            }
            System.out.println(Summaries.beforeAfter(mode, s));
            System.out.printf(Locale.ROOT, "run: %s (%.1f min); report: ./tarpo report %s%n", run, (System.nanoTime() - t0) / 6e10, run);
        }
        return 0;
    }
}

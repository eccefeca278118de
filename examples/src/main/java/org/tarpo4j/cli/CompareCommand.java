package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.Comparison;
import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.embedded.EmbeddedPreset;
import org.tarpo4j.examples.embedded.EmbeddedTask;
import org.tarpo4j.examples.embedded.WarmStart;
import org.tarpo4j.examples.embedded.WarmStartMode;
import org.tarpo4j.models.latent.LatentMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Runs GRPO, HRPO and TARPO (and COCONUT's curriculum) on the embedded task with the same budget: for each "
                + "seed every method starts from the same warm start with the same RL seed. Evaluates each on the held-out split "
                + "(avg@k, pass@k, greedy) and prints each method's mean with a 95%% t interval over seeds and the paired per-seed "
                + "differences against GRPO; writes RUNS/<timestamp>-compare/compare.json; `report` turns it into plots.")
final class CompareCommand implements Callable<Integer> {
    @Mixin
    EmbeddedOptions embedded;

    @Mixin
    TaskKnobs knobs;

    @Option(names = "--seeds", defaultValue = "1", description = "RL seeds per method, 0..N-1; paired intervals need at least 2 "
            + "(default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--methods", defaultValue = "grpo,hrpo,tarpo,coconut", description = "grpo, hrpo, tarpo and coconut (its supervised curriculum with continuous thoughts) (default: ${DEFAULT-VALUE})")
    String methods;

    @Option(names = {"--warm_start", "--warm-start"}, defaultValue = "shared", description = "shared: every seed starts from the "
            + "warm start of SFT seed 0; per_seed: seed s from that of SFT seed s (the seeds then vary the warm start too) "
            + "(default: ${DEFAULT-VALUE})")
    String warmStart;

    @Option(names = "--json", description = "print the result as one JSON line: settings, aggregate and paired differences")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (seeds <= 0) throw new IllegalArgumentException("--seeds must be positive");
        WarmStartMode mode = WarmStartMode.parse(warmStart);
        EmbeddedPreset p = knobs.overrides().applyTo(embedded.preset());
        List<String> list = Arrays.stream(methods.split(",")).map(String::trim).toList();
        for (String m : list) LatentMode.parse(m);
        try (EmbeddedTask task = new EmbeddedTask(p, EmbeddedLayout.tokenizer(embedded.runs))) {
            Path dir = EmbeddedLayout.newRun(embedded.runs, "compare");
            Map<String, Object> result = Comparison.run(task, seed -> {
                long sftSeed = mode.sftSeed(seed);
                Path warm = EmbeddedLayout.warmStart(embedded.runs, p, sftSeed);
                WarmStart.ensure(task, warm, sftSeed);
                return warm;
            }, mode, dir, list, seeds);
            Path file = dir.resolve(Comparison.FILE);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>(result);
                o.remove("runs"); // every run's summary stays in the file
                o.put("results", file.toString());
                System.out.println(CliSupport.json(o));
            } else {
                System.out.print(Comparison.table(result));
                Map<?, ?> time = (Map<?, ?>) result.get("time_s");
                System.out.printf(java.util.Locale.ROOT,
                        "wall time %.1f min (warm starts %.1f min); results: %s; report: ./tarpo report %s%n",
                        (double) time.get("total") / 60, (double) time.get("warm_starts") / 60, file, dir);
            }
        }
        return 0;
    }
}

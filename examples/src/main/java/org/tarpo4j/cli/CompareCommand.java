package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.Comparison;
import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.embedded.EmbeddedPreset;
import org.tarpo4j.examples.embedded.EmbeddedTask;
import org.tarpo4j.examples.embedded.WarmStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Runs GRPO, HRPO and TARPO (and COCONUT's curriculum) on the embedded task from the same warm start "
                + "with the same budget and seeds, evaluates each on the held-out split (avg@k with a 95%% interval, pass@k, greedy), "
                + "and writes RUNS/<timestamp>-compare/compare.json; `report` turns it into plots.")
final class CompareCommand implements Callable<Integer> {
    @Mixin
    EmbeddedOptions embedded;

    @Option(names = "--seeds", defaultValue = "1", description = "RL seeds per method (default: ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--methods", defaultValue = "grpo,hrpo,tarpo,coconut", description = "grpo, hrpo, tarpo and coconut (its supervised curriculum with continuous thoughts) (default: ${DEFAULT-VALUE})")
    String methods;



    @Override
    public Integer call() throws Exception {
        if (seeds <= 0) throw new IllegalArgumentException("--seeds must be positive");
        EmbeddedPreset p = embedded.preset();
        List<String> list = Arrays.stream(methods.split(",")).map(String::trim).toList();
        for (String m : list) org.tarpo4j.models.latent.LatentMode.parse(m);
        try (EmbeddedTask task = embedded.task()) {
            Path warm = EmbeddedLayout.warmStart(embedded.runs, p, 0);
            WarmStart.ensure(task, warm, 0);
            Path dir = EmbeddedLayout.newRun(embedded.runs, "compare");
            var result = Comparison.run(task, warm, dir, list, seeds);
            System.out.print(Comparison.table(result));
            System.out.println("results: " + dir.resolve(Comparison.FILE) + "; report: ./tarpo report " + dir);
        }
        return 0;
    }
}

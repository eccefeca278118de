package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.embedded.EmbeddedPreset;
import org.tarpo4j.examples.embedded.EmbeddedTask;
import org.tarpo4j.examples.embedded.WarmStart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "sft", mixinStandardHelpOptions = true,
        description = "Supervised warm start on the embedded arithmetic task: trains a fresh model on chain-of-thought "
                + "examples until its sampled held-out accuracy reaches the preset's target (or the step cap), and saves it "
                + "as a Hugging Face model directory (the one `train` reuses).")
final class SftCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "default", description = "default or tiny (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--runs", defaultValue = "runs", description = "runs directory (default: ${DEFAULT-VALUE})")
    Path runs;

    @Option(names = "--out", description = "output model directory (default: the cached warm start under RUNS/embedded)")
    Path out;

    @Override
    public Integer call() throws Exception {
        EmbeddedPreset p = Presets.byName(preset);
        try (EmbeddedTask task = new EmbeddedTask(p, EmbeddedLayout.tokenizer(runs))) {
            Path dir = out != null ? out : EmbeddedLayout.warmStart(runs, p, seed);
            WarmStart.Result r = WarmStart.train(task, dir, seed);
            System.out.printf(Locale.ROOT, "SFT: %d steps, sampled held-out accuracy %.3f; model in %s%n", r.steps(), r.sampledAccuracy(), dir);
        }
        return 0;
    }
}

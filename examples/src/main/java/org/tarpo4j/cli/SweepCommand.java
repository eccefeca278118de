package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.embedded.EmbeddedPreset;
import org.tarpo4j.examples.embedded.EmbeddedScorer;
import org.tarpo4j.examples.embedded.EmbeddedTask;
import org.tarpo4j.examples.embedded.WarmStart;
import org.tarpo4j.hpo.Sweep;
import org.tarpo4j.hpo.SweepDefinition;
import org.tarpo4j.hpo.SweepResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Hyper-parameter sweep (Arbiter) of TARPO on the embedded task: every candidate is a short RL run from "
                + "the cached warm start, scored by a held-out accuracy after RL (default: sampled avg@k). Parameters: "
                + "action_bias or initial_hard_probability (router b0), beta (KL), action_learning_rate, soft_top_k, action_loss_weight.",
                "Writes RUNS/<timestamp>-sweep/: sweep.jsonl (one line per candidate: values, score or failure, time), "
                        + "table.txt (best first; also printed), heatmap.png (mean score over router bias x beta) and "
                        + "best_config.json (the best candidate's full trainer config). A failed candidate is recorded and the "
                        + "sweep goes on.",
                "Sweep file (JSON or YAML): search, candidates, grid_points, search_seed, metric, overrides (trainer keys, "
                        + "e.g. max_steps), parameters: {name: {values: [...]} or {min, max, scale: linear|log}, enabled}. "
                        + "Example: examples/configs/sweep-bias-beta.yaml."})
final class SweepCommand implements Callable<Integer> {
    @Mixin
    EmbeddedOptions embedded;

    @Option(names = "--config", required = true, description = "sweep file (JSON or YAML)")
    Path config;

    @Option(names = "--search", description = "grid or random (default: the file's, else grid)")
    String search;

    @Option(names = "--candidates", description = "random: how many; grid: at most this many (default: the file's, else "
            + "the whole grid or " + SweepDefinition.DEFAULT_RANDOM_CANDIDATES + " random)")
    Integer candidates;



    @Override
    public Integer call() throws Exception {
        SweepDefinition d = SweepDefinition.read(config);
        if (search != null) d = d.withSearch(SweepDefinition.Search.parse(search));
        if (candidates != null) d = d.withCandidates(candidates);
        EmbeddedPreset p = embedded.preset();
        try (EmbeddedTask task = embedded.task()) {
            Path warm = EmbeddedLayout.warmStart(embedded.runs, p, 0);
            Path dir = EmbeddedLayout.newRun(embedded.runs, "sweep");
            // built before the warm start so that a bad metric or override fails at once
            Sweep sweep = new Sweep(d, EmbeddedScorer.base(p, warm, 0), new EmbeddedScorer(task, d.metric()), dir, System.out);
            WarmStart.Result w = WarmStart.ensure(task, warm, 0);
            System.out.println(w.reused() ? "warm start: reusing " + warm : "warm start: " + w.steps() + " SFT steps -> " + warm);
            Files.createDirectories(dir);
            Files.copy(config, dir.resolve("sweep-definition" + extension(config)));
            SweepResults r = sweep.run();
            System.out.println("results: " + r.jsonl() + (r.heatMap() == null ? "" : "; heat map: " + r.heatMap()));
            if (r.best().isEmpty()) {
                System.out.println("no candidate completed: see the errors in " + r.table());
                return 1;
            }
            System.out.println("best: candidate " + r.best().get().index() + " " + r.best().get().parameters() + ", config: " + r.bestConfig());
        }
        return 0;
    }

    private static String extension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot);
    }
}

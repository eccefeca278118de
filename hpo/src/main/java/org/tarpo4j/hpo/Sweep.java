package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.termination.MaxCandidatesCondition;
import org.deeplearning4j.arbiter.optimize.config.OptimizationConfiguration;
import org.deeplearning4j.arbiter.optimize.runner.LocalOptimizationRunner;
import org.tarpo4j.rl.train.TarpoConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a sweep with Arbiter: candidates from the definition's grid or random generator, one at a time through a
 * {@link LocalOptimizationRunner} (or as Spark tasks, one per candidate, when the definition has a {@code spark_master}),
 * each scored by the {@link CandidateScorer} on the base trainer config with its values
 * written in. Writes into {@code dir}: {@value #JSONL}, {@value #TABLE}, {@value #HEAT_MAP} (router bias × β) and
 * {@value #BEST_CONFIG} (the best candidate's full trainer config, for {@code TarpoConfig.read}).
 */
public final class Sweep {
    /** One line per candidate ({@link CandidateResult}), appended as each ends. */
    public static final String JSONL = "sweep.jsonl";
    /** The results sorted by score. */
    public static final String TABLE = "table.txt";
    /** Mean score per router bias × β cell. */
    public static final String HEAT_MAP = "heatmap.png";
    /** The best candidate's full trainer config. */
    public static final String BEST_CONFIG = "best_config.json";

    private final SweepDefinition definition;
    private final TarpoConfig base;
    private final CandidateScorer scorer;
    private final Path dir;
    private final PrintStream out;

    /**
     * @param definition the search: method, candidates, parameter ranges, overrides
     * @param base       the trainer config every candidate starts from (the definition's overrides are applied to it here)
     * @param scorer     your code: trains and evaluates one candidate's config, higher is better
     * @param dir        where the results and the candidates' directories go
     * @param out        where progress and the table are printed
     */
    public Sweep(SweepDefinition definition, TarpoConfig base, CandidateScorer scorer, Path dir, PrintStream out) {
        this.definition = definition;
        this.base = base.withOverrides(definition.overrides());
        this.scorer = scorer;
        this.dir = dir;
        this.out = out;
    }

    /** @return the base config after the definition's overrides */
    public TarpoConfig base() { return base.copy(); }

    /**
     * Runs every candidate, one at a time; a candidate whose scorer throws or returns a non-finite score is recorded as
     * failed and the sweep goes on.
     *
     * @return every candidate's result, the best, and the files written
     * @throws IOException when the results cannot be written
     */
    public SweepResults run() throws IOException {
        Files.createDirectories(dir);
        SearchPlan plan = definition.plan();
        SweepLog log = new SweepLog(dir.resolve(JSONL));
        OptimizationConfiguration conf = new OptimizationConfiguration.Builder()
                .candidateGenerator(plan.generator())
                .scoreFunction(new MaximiseScore())
                .terminationConditions(new MaxCandidatesCondition(plan.candidates()), new GeneratorExhausted(plan.generator()))
                .build();
        out.printf("[sweep] %s search, %d candidates, %s: %s%n", definition.search().name().toLowerCase(Locale.ROOT), plan.candidates(),
                definition.metric(), describe());
        if (definition.sparkMaster() != null) {
            // one Spark task per candidate: as many at a time as the cluster has task slots
            SparkCandidates.run(definition.sparkMaster(), plan, base, scorer, dir, out).forEach(log::append);
        } else {
            // one task at a time: a candidate's training already uses the machine
            LocalOptimizationRunner runner = new LocalOptimizationRunner(1, conf, new SweepTaskCreator(base, scorer, dir, log));
            runner.addListeners(new ProgressListener(out, plan.candidates()));
            runner.execute();
        }

        List<CandidateResult> results = log.results();
        Path table = dir.resolve(TABLE);
        String text = ResultTable.format(results, plan.space().parameters(), definition.metric());
        Files.writeString(table, text);
        out.print(text);
        Optional<CandidateResult> best = ResultTable.sorted(results).stream().filter(CandidateResult::complete).findFirst();
        return new SweepResults(dir, results, best, log.file(), table, heatMap(results), best.isPresent() ? bestConfig(best.get()) : null);
    }

    private String describe() {
        Map<String, String> m = new LinkedHashMap<>();
        definition.parameters().forEach(r -> m.put(r.parameter().key(), r.describe()));
        return m.toString();
    }

    private Path heatMap(List<CandidateResult> results) throws IOException {
        var x = definition.routerBias();
        var y = definition.range(SweepParameter.BETA);
        if (x.isEmpty() || y.isEmpty()) return null;
        Path png = dir.resolve(HEAT_MAP);
        String title = "mean " + definition.metric() + " per cell (blank: none completed)";
        return HeatMapPng.write(png, ScoreGrid.of(results, x.get(), y.get()), title, definition.metric()) ? png : null;
    }

    private Path bestConfig(CandidateResult best) throws IOException {
        Map<SweepParameter, Double> values = new LinkedHashMap<>();
        definition.parameters().forEach(r -> values.put(r.parameter(), best.value(r.parameter())));
        TarpoConfig c = new SweepCandidate(values).applyTo(base);
        c.outputDir = dir.resolve("best").toString(); // a rerun of the best config writes beside the sweep, not into a candidate
        Path file = dir.resolve(BEST_CONFIG);
        Files.writeString(file, c.toJson());
        return file;
    }
}

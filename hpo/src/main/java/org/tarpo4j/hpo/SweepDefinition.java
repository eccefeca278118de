package org.tarpo4j.hpo;

import com.fasterxml.jackson.databind.JsonNode;
import org.deeplearning4j.arbiter.optimize.generator.GridSearchCandidateGenerator;
import org.deeplearning4j.arbiter.optimize.generator.RandomSearchGenerator;
import org.tarpo4j.rl.config.StrictReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A sweep as written in a JSON or YAML file:
 * <pre>
 * search: grid               # grid | random
 * candidates: 9              # random: how many; grid: at most this many (default: the whole grid)
 * grid_points: 3             # grid: points per min/max range
 * search_seed: 0             # random search
 * metric: sampled_avg_at_k   # what the scorer reports (higher is better)
 * spark_master: local[2]    # run the candidates as Spark tasks, one each (optional; the scorer must be Serializable)
 * overrides:                 # trainer config keys applied to the base config of every candidate
 *   max_steps: 40
 * parameters:                # action_bias | initial_hard_probability | beta | action_learning_rate | soft_top_k | action_loss_weight
 *   action_bias: {values: [0.85, 2.2, 4.6]}
 *   beta: {min: 0.001, max: 0.1, scale: log}
 *   soft_top_k: {min: 2, max: 10, enabled: false}
 * </pre>
 * Keys are snake_case, as in trainer configs. Unknown keys and values the trainer would reject are errors naming the key.
 *
 * @param search     grid or random
 * @param candidates how many (random), at most how many (grid); null for the default
 * @param gridPoints grid points per min/max range, at least 2
 * @param searchSeed seeds the random search
 * @param metric     what the scorer reports, for the table
 * @param overrides  trainer config keys and values applied to the base config of every candidate
 * @param parameters  the swept ranges, at least one
 * @param sparkMaster a Spark master URL: each candidate runs as a Spark task; null: one after another in this process
 */
public record SweepDefinition(Search search, Integer candidates, int gridPoints, long searchSeed, String metric,
                              Map<String, String> overrides, List<ParameterRange> parameters, String sparkMaster) {
    /** Candidates of a random search whose file and command line give no count. */
    public static final int DEFAULT_RANDOM_CANDIDATES = 10;
    /** The metric name when the file gives none. */
    public static final String DEFAULT_METRIC = "sampled_avg_at_k";

    /** How candidates are generated. */
    public enum Search {
        /** Every combination of the ranges' grid points. */
        GRID,
        /** Values drawn at random from the ranges. */
        RANDOM;

        /**
         * @param s {@code grid} or {@code random}, any case
         * @return the method
         * @throws IllegalArgumentException for another name
         */
        public static Search parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "grid" -> GRID;
                case "random" -> RANDOM;
                default -> throw new IllegalArgumentException("search must be grid or random, got '" + s + "'");
            };
        }
    }

    /**
     * Checks the definition.
     *
     * @param search     grid or random
     * @param candidates positive, or null
     * @param gridPoints at least 2
     * @param searchSeed seeds the random search
     * @param metric     non-empty
     * @param overrides  copied
     * @param parameters at least one; at most one of actionBias and initialHardProbability
     * @param sparkMaster a Spark master URL, or null
     * @throws IllegalArgumentException naming what is wrong
     */
    public SweepDefinition {
        if (sparkMaster != null && sparkMaster.isBlank()) throw new IllegalArgumentException("spark_master must be a Spark master URL, got ''");
        if (candidates != null && candidates < 1) throw new IllegalArgumentException("candidates must be positive, got " + candidates);
        if (gridPoints < 2) throw new IllegalArgumentException("grid_points must be at least 2, got " + gridPoints);
        if (metric == null || metric.isBlank()) throw new IllegalArgumentException("metric must be non-empty");
        overrides = Map.copyOf(overrides);
        parameters = List.copyOf(parameters);
        if (parameters.isEmpty()) throw new IllegalArgumentException("parameters: none is enabled");
        if (parameters.stream().filter(r -> r.parameter().routerBias()).count() > 1) {
            throw new IllegalArgumentException("action_bias and initial_hard_probability both set b0: enable one of them");
        }
    }

    /**
     * A sweep whose candidates run one after another in this process.
     *
     * @param search     grid or random
     * @param candidates positive, or null
     * @param gridPoints at least 2
     * @param searchSeed seeds the random search
     * @param metric     non-empty
     * @param overrides  copied
     * @param parameters at least one; at most one of actionBias and initialHardProbability
     * @throws IllegalArgumentException naming what is wrong
     */
    public SweepDefinition(Search search, Integer candidates, int gridPoints, long searchSeed, String metric,
                           Map<String, String> overrides, List<ParameterRange> parameters) {
        this(search, candidates, gridPoints, searchSeed, metric, overrides, parameters, null);
    }

    /**
     * The same sweep with another search method.
     *
     * @param s the method
     * @return the copy
     */
    public SweepDefinition withSearch(Search s) {
        return new SweepDefinition(s, candidates, gridPoints, searchSeed, metric, overrides, parameters, sparkMaster);
    }

    /**
     * The same sweep with another candidate count.
     *
     * @param n the count
     * @return the copy
     */
    public SweepDefinition withCandidates(int n) {
        return new SweepDefinition(search, n, gridPoints, searchSeed, metric, overrides, parameters, sparkMaster);
    }

    /**
     * The range of {@code p}, if swept.
     *
     * @param p a parameter
     * @return its range, or empty
     */
    public Optional<ParameterRange> range(SweepParameter p) {
        return parameters.stream().filter(r -> r.parameter() == p).findFirst();
    }

    /** @return the range of the router bias (action_bias or initial_hard_probability), if swept */
    public Optional<ParameterRange> routerBias() {
        return parameters.stream().filter(r -> r.parameter().routerBias()).findFirst();
    }

    /** A fresh parameter space, candidate generator (seeded) and candidate count for one run of this sweep. */
    SearchPlan plan() {
        CandidateSpace space = new CandidateSpace(parameters);
        SearchPlan plan = switch (search) {
            case GRID -> {
                var grid = new GridSearchCandidateGenerator(space, gridPoints, GridSearchCandidateGenerator.Mode.Sequential, null);
                int total = grid.getTotalNumCandidates();
                yield new SearchPlan(space, grid, candidates == null ? total : Math.min(candidates, total));
            }
            case RANDOM -> new SearchPlan(space, new RandomSearchGenerator(space, null),
                    candidates == null ? DEFAULT_RANDOM_CANDIDATES : candidates);
        };
        plan.generator().setRngSeed(searchSeed);
        return plan;
    }

    // --- the file

    private record FileForm(String search, Integer candidates, Integer gridPoints, Long searchSeed, String metric,
                            Map<String, JsonNode> overrides, Map<String, RangeForm> parameters,
                            String sparkMaster) {}

    private record RangeForm(Double min, Double max, String scale, List<Double> values, Boolean enabled) {}

    /**
     * Reads a sweep file (YAML for {@code .yaml}/{@code .yml}, else JSON) with the run configs' strict reader.
     *
     * @param file the sweep file
     * @return the definition
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException for an unknown key or a bad value, naming the file and the key
     */
    public static SweepDefinition read(Path file) throws IOException {
        FileForm form = StrictReader.convert(StrictReader.readObject(file, "sweep"), FileForm.class, file.toString(), key -> "");
        try {
            return fromForm(form);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static SweepDefinition fromForm(FileForm f) {
        if (f.parameters() == null) throw new IllegalArgumentException("parameters: missing");
        List<ParameterRange> ranges = new ArrayList<>();
        f.parameters().forEach((key, r) -> {
            SweepParameter p = SweepParameter.byKey(key);
            if (r == null || Boolean.FALSE.equals(r.enabled())) return;
            String scale = r.scale() == null ? "linear" : r.scale().toLowerCase(Locale.ROOT);
            if (!scale.equals("linear") && !scale.equals("log")) {
                throw new IllegalArgumentException(p.key() + ": scale must be linear or log, got '" + r.scale() + "'");
            }
            ranges.add(new ParameterRange(p, r.min(), r.max(), scale.equals("log"), r.values()));
        });
        Map<String, String> overrides = new LinkedHashMap<>();
        if (f.overrides() != null) f.overrides().forEach((k, v) -> overrides.put(k, v.isTextual() ? v.asText() : v.toString()));
        return new SweepDefinition(f.search() == null ? Search.GRID : Search.parse(f.search()), f.candidates(),
                f.gridPoints() == null ? 3 : f.gridPoints(), f.searchSeed() == null ? 0 : f.searchSeed(),
                f.metric() == null ? DEFAULT_METRIC : f.metric(), overrides, ranges, f.sparkMaster());
    }
}

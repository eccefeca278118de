package org.tarpo4j.hpo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.TarpoConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep with spark_master runs each candidate as a Spark task and gets the results of the sweep run here. */
class SparkSweepTest {
    /** Peaks at b0 = 2.2, β = 0.01; fails one candidate; notes which thread scored it. */
    static final class Peaked implements CandidateScorer, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public double score(TarpoConfig c) throws Exception {
            if (c.actionBias > 4 && c.beta < 2e-3) throw new IllegalStateException("router diverged");
            Files.createDirectories(Path.of(c.outputDir));
            Files.writeString(Path.of(c.outputDir, "thread.txt"), Thread.currentThread().getName());
            return 1 - 0.1 * Math.pow(c.actionBias - 2.2, 2) - 0.05 * Math.pow(Math.log10(c.beta) + 2, 2);
        }
    }

    private static SweepDefinition grid(String master) {
        return new SweepDefinition(SweepDefinition.Search.GRID, null, 2, 0, "peak", Map.of("max_steps", "7"),
                List.of(ParameterRange.of(SweepParameter.ACTION_BIAS, 0.85, 2.2, 4.6),
                        ParameterRange.between(SweepParameter.BETA, 1e-3, 1e-2, true)), master);
    }

    @Test
    void candidatesRunAsSparkTasksWithTheResultsOfTheSweepRunHere(@TempDir Path dir) throws Exception {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        SweepResults here = new Sweep(grid(null), TarpoConfig.defaults(Map.of()), new Peaked(), dir.resolve("here"), out).run();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        SweepResults spark = new Sweep(grid("local[2]"), TarpoConfig.defaults(Map.of()), new Peaked(),
                dir.resolve("spark"), new PrintStream(printed, true, StandardCharsets.UTF_8)).run();

        List<CandidateResult> a = sorted(here.results()), b = sorted(spark.results());
        assertEquals(6, b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).parameters(), b.get(i).parameters());
            assertEquals(a.get(i).status(), b.get(i).status());
            assertEquals(a.get(i).score(), b.get(i).score());
            assertEquals(a.get(i).error(), b.get(i).error());
        }
        assertEquals(here.best().orElseThrow().parameters(), spark.best().orElseThrow().parameters());
        assertEquals(TarpoConfig.read(here.bestConfig(), Map.of()).actionBias, TarpoConfig.read(spark.bestConfig(), Map.of()).actionBias);
        for (CandidateResult r : b) {
            if (!r.complete()) continue;
            String thread = Files.readString(Path.of(r.dir(), "thread.txt"));
            assertTrue(thread.startsWith("Executor task launch worker"), "candidate " + r.index() + " ran on " + thread);
        }
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("finished on local[2]"), printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aScorerThatCannotTravelIsRefusedNamingIt(@TempDir Path dir) {
        CandidateScorer lambda = c -> 0;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sweep(grid("local[2]"),
                TarpoConfig.defaults(Map.of()), lambda, dir, new PrintStream(new ByteArrayOutputStream())).run());
        assertTrue(e.getMessage().contains("CandidateScorer (" + lambda.getClass().getName() + ") must be Serializable"), e.getMessage());
    }

    @Test
    void theSweepFileTakesSparkMaster(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sweep.yaml");
        Files.writeString(file, "spark_master: local[2]\nparameters:\n  beta: {values: [0.01, 0.1]}\n");
        assertEquals("local[2]", SweepDefinition.read(file).sparkMaster());
        assertEquals("local[2]", SweepDefinition.read(file).withCandidates(1).sparkMaster());
    }

    private static List<CandidateResult> sorted(List<CandidateResult> r) {
        return r.stream().sorted(Comparator.comparingInt(CandidateResult::index)).toList();
    }
}

package org.tarpo4j.hpo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.TarpoConfig;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole sweeps through Arbiter's runner with a cheap closed-form score in place of training. */
class SweepTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    /** Peaks at b0 = 2.2, β = 0.01. */
    private static double peaked(TarpoConfig c) {
        return 1 - 0.1 * Math.pow(c.actionBias - 2.2, 2) - 0.05 * Math.pow(Math.log10(c.beta) + 2, 2);
    }

    private static SweepDefinition grid3x2(Map<String, String> overrides) {
        return new SweepDefinition(SweepDefinition.Search.GRID, null, 2, 0, "peak", overrides,
                List.of(ParameterRange.of(SweepParameter.ACTION_BIAS, 0.85, 2.2, 4.6), ParameterRange.between(SweepParameter.BETA, 1e-3, 1e-2, true)));
    }

    @Test
    void gridSweepGoesOnPastAFailedCandidateAndWritesEverything() throws Exception {
        TarpoConfig base = TarpoConfig.defaults(Map.of());
        CandidateScorer scorer = c -> {
            if (c.actionBias > 4 && c.beta < 2e-3) throw new IllegalStateException("router diverged");
            return peaked(c);
        };
        SweepResults r = new Sweep(grid3x2(Map.of("max_steps", "7")), base, scorer, dir, out).run();

        List<CandidateResult> log = SweepLog.read(dir.resolve(Sweep.JSONL));
        assertEquals(log, r.results());
        assertEquals(6, log.size());
        assertEquals(1, r.failed());
        CandidateResult failed = log.stream().filter(c -> !c.complete()).findFirst().orElseThrow();
        assertEquals(4.6, failed.value(SweepParameter.ACTION_BIAS));
        assertEquals("IllegalStateException: router diverged", failed.error());
        assertNull(failed.score());
        assertEquals(6, new HashSet<>(log.stream().map(CandidateResult::dir).toList()).size(), "a directory per candidate");

        CandidateResult best = r.best().orElseThrow();
        assertEquals(2.2, best.value(SweepParameter.ACTION_BIAS));
        assertEquals(1e-2, best.value(SweepParameter.BETA), 1e-12);
        TarpoConfig bestConfig = TarpoConfig.read(r.bestConfig(), Map.of());
        assertEquals(2.2, bestConfig.actionBias);
        assertEquals(1e-2, bestConfig.beta, 1e-12);
        assertEquals(7, bestConfig.maxSteps, "the sweep's overrides are part of the best config");
        assertEquals(dir.resolve("best").toString(), bestConfig.outputDir);

        String table = Files.readString(r.table());
        String[] rows = table.strip().split("\n");
        assertTrue(rows[0].startsWith("rank") && rows[0].contains("action_bias") && rows[0].contains("beta") && rows[0].contains("peak"));
        assertTrue(rows[1].startsWith("1 ") && rows[1].contains("2.2"), rows[1]);
        assertTrue(rows[6].startsWith("- ") && rows[6].contains("failed") && rows[6].contains("router diverged"), rows[6]);

        var png = ImageIO.read(r.heatMap().toFile());
        assertTrue(png.getWidth() > 100 && png.getHeight() > 100);

        String progress = printed.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("[sweep 6/6]"), progress);
        assertTrue(progress.contains("FAILED (IllegalStateException: router diverged)"), progress);
        assertTrue(progress.contains("finished: 5 complete, 1 failed"), progress);
    }

    @Test
    void randomSweepStopsAtItsCandidateCountAndANonFiniteScoreFails() throws Exception {
        SweepDefinition d = new SweepDefinition(SweepDefinition.Search.RANDOM, 4, 3, 5, "peak", Map.of(),
                List.of(ParameterRange.between(SweepParameter.INITIAL_HARD_PROBABILITY, 0.5, 0.99, false)));
        CandidateScorer scorer = c -> c.initialHardProbability > 0.9 ? Double.NaN : c.router().actionBias();
        SweepResults r = new Sweep(d, TarpoConfig.defaults(Map.of()), scorer, dir, out).run();
        assertEquals(4, r.results().size());
        for (CandidateResult c : r.results()) {
            double p = c.value(SweepParameter.INITIAL_HARD_PROBABILITY);
            assertTrue(p >= 0.5 && p <= 0.99);
            assertEquals(p > 0.9, !c.complete());
            if (!c.complete()) assertTrue(c.error().contains("NaN"), c.error());
        }
        assertNull(r.heatMap(), "no heat map without β");
    }

    @Test
    void allFailedLeavesNoBestConfig() throws Exception {
        CandidateScorer scorer = c -> {
            if (c.beta > 5e-3) throw new OutOfMemoryError("Physical memory usage is too high");
            throw new java.io.IOException("disk full");
        };
        SweepResults r = new Sweep(grid3x2(Map.of()), TarpoConfig.defaults(Map.of()), scorer, dir, out).run();
        assertEquals(6, r.failed());
        assertEquals(List.of("IOException: disk full", "OutOfMemoryError: Physical memory usage is too high"),
                r.results().stream().map(CandidateResult::error).distinct().toList());
        assertTrue(r.best().isEmpty());
        assertNull(r.bestConfig());
        assertNull(r.heatMap());
        assertFalse(Files.exists(dir.resolve(Sweep.BEST_CONFIG)));
    }
}

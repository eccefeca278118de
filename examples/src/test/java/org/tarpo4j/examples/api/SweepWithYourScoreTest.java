package org.tarpo4j.examples.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.hpo.CandidateResult;
import org.tarpo4j.hpo.SweepParameter;
import org.tarpo4j.hpo.SweepResults;
import org.tarpo4j.rl.train.TarpoConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Arbiter example: its best candidate is the optimum of the score function, evaluated here without Arbiter. */
class SweepWithYourScoreTest {
    @Test
    void theBestCandidateIsTheArgmaxOfTheScoreFunctionOverTheGrid(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        SweepResults r = SweepWithYourScore.sweep(SharedModels.tinyLlama(), tmp.resolve("sweep"),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertEquals(3, r.results().size());
        assertEquals(0, r.failed(), progress.toString(StandardCharsets.UTF_8));

        // each grid value scored directly: the base config with b0 written in, the same scorer, no Arbiter
        Map<Double, Double> direct = new TreeMap<>();
        for (double b0 : new double[]{-2.0, 0.85, 4.6}) {
            TarpoConfig c = SweepWithYourScore.base();
            c.actionBias = b0;
            c.outputDir = tmp.resolve("direct-" + b0).toString();
            direct.put(b0, SweepWithYourScore.scorer(SharedModels.tinyLlama()).score(c));
        }
        for (CandidateResult c : r.results()) {
            assertEquals(direct.get(c.value(SweepParameter.ACTION_BIAS)), c.score(), 1e-12, "candidate " + c.parameters());
        }
        assertEquals(3, direct.values().stream().distinct().count(), "the scores tell the candidates apart: " + direct);
        double argmax = direct.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        CandidateResult best = r.best().orElseThrow();
        assertEquals(argmax, best.value(SweepParameter.ACTION_BIAS), "scores " + direct);
        assertEquals(argmax, TarpoConfig.read(r.bestConfig(), Map.of()).actionBias);
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("finished: 3 complete, 0 failed"));
    }
}

package org.tarpo4j.examples.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.hpo.CandidateResult;
import org.tarpo4j.hpo.SweepParameter;
import org.tarpo4j.hpo.Sweep;
import org.tarpo4j.hpo.SweepLog;
import org.tarpo4j.rl.train.TarpoConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Arbiter example: its best candidate is the optimum of the score function, evaluated here without Arbiter. */
class SweepWithYourScoreTest {
    @Test
    void theBestCandidateIsTheArgmaxOfTheScoreFunctionOverTheGrid(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sweep");
        String printed = SharedModels.stdoutOf(() -> SweepWithYourScore.main(new String[]{SharedModels.tinyLlama().toString(), dir.toString()}));
        List<CandidateResult> results = SweepLog.read(dir.resolve(Sweep.JSONL));
        assertEquals(3, results.size());
        assertTrue(results.stream().allMatch(CandidateResult::complete), printed);

        // each grid value scored directly: the base config with b0 written in, the same scorer, no Arbiter
        Map<Double, Double> direct = new TreeMap<>();
        for (double b0 : new double[]{-2.0, 0.85, 4.6}) {
            TarpoConfig c = SweepWithYourScore.base();
            c.actionBias = b0;
            c.outputDir = tmp.resolve("direct-" + b0).toString();
            direct.put(b0, SweepWithYourScore.scorer(SharedModels.tinyLlama()).score(c));
        }
        for (CandidateResult c : results) {
            assertEquals(direct.get(c.value(SweepParameter.ACTION_BIAS)), c.score(), 1e-12, "candidate " + c.parameters());
        }
        assertEquals(3, direct.values().stream().distinct().count(), "the scores tell the candidates apart: " + direct);
        double argmax = direct.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertEquals(argmax, TarpoConfig.read(dir.resolve(Sweep.BEST_CONFIG), Map.of()).actionBias, "scores " + direct);
        assertTrue(printed.contains("best: {" + SweepParameter.ACTION_BIAS.key() + "=" + argmax + "}"), printed);
    }
}

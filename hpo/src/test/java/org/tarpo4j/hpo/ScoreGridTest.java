package org.tarpo4j.hpo;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoreGridTest {
    private static CandidateResult result(int i, double bias, double beta, Double score) {
        return new CandidateResult(i, Map.of("action_bias", bias, "beta", beta),
                score == null ? CandidateResult.Status.FAILED : CandidateResult.Status.COMPLETE, score, score == null ? "x" : null, 1, "d" + i);
    }

    @Test
    void gridValuesAreCategoriesWithMeanScoresAndFailedCellsBlank() {
        var bias = ParameterRange.of(SweepParameter.ACTION_BIAS, 0.85, 4.6);
        var beta = ParameterRange.between(SweepParameter.BETA, 1e-3, 1e-2, true);
        ScoreGrid g = ScoreGrid.of(List.of(result(0, 0.85, 1e-3, 0.2), result(1, 4.6, 1e-3, 0.4), result(2, 4.6, 1e-3, 0.6),
                result(3, 0.85, 1.0000000001e-2, 0.1), result(4, 4.6, 1e-2, null)), bias, beta);
        assertEquals(List.of("0.85", "4.6"), g.xLabels());
        assertEquals(List.of("0.001", "0.01"), g.yLabels());
        assertEquals(0.2, g.mean()[0][0]);
        assertEquals(0.5, g.mean()[1][0], 1e-12);
        assertEquals(2, g.count()[1][0]);
        assertEquals(0.1, g.mean()[0][1], "values equal to four digits share a cell");
        assertTrue(Double.isNaN(g.mean()[1][1]), "only a failed candidate: blank");
    }

    @Test
    void manyDistinctValuesAreBinnedOnTheRangesScale() {
        var bias = ParameterRange.between(SweepParameter.ACTION_BIAS, 0, 5, false);
        var beta = ParameterRange.between(SweepParameter.BETA, 1e-4, 1e-1, true);
        List<CandidateResult> rs = new ArrayList<>();
        for (int i = 0; i < 10; i++) rs.add(result(i, 0.5 * i, 1e-4 * Math.pow(10, 0.3 * i), (double) i));
        ScoreGrid g = ScoreGrid.of(rs, bias, beta);
        assertEquals(ScoreGrid.BINS, g.xLabels().size());
        assertEquals("0..1", g.xLabels().get(0));
        assertEquals(ScoreGrid.BINS, g.yLabels().size());
        // bias 0, 0.5 -> bin 0; beta 1e-4, 2e-4 -> log bin 0 of [1e-4, 1e-1] (edges 1e-4, 3.98e-4, ...)
        assertEquals(0.5, g.mean()[0][0], 1e-12);
        assertEquals(2, g.count()[0][0]);
        assertEquals(9.0, g.mean()[4][4], 1e-12, "the top end falls in the last bin");
    }
}

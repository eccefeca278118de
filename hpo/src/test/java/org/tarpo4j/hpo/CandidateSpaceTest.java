package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.junit.jupiter.api.Test;
import org.tarpo4j.rl.train.TarpoConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parameter space, through Arbiter's own generators, maps points into the trainer config. */
class CandidateSpaceTest {
    private static final TarpoConfig BASE = TarpoConfig.defaults(Map.of());

    private static SweepDefinition grid(int points, ParameterRange... ranges) {
        return new SweepDefinition(SweepDefinition.Search.GRID, null, points, 0, "score", Map.of(), List.of(ranges));
    }

    private static List<SweepCandidate> all(SearchPlan plan) {
        List<SweepCandidate> out = new ArrayList<>();
        for (int i = 0; i < plan.candidates(); i++) {
            Candidate<?> c = plan.generator().getCandidate();
            out.add((SweepCandidate) c.getValue());
        }
        return out;
    }

    @Test
    void gridCornersAreTheRangeEndsAndLandInTheConfig() {
        SearchPlan plan = grid(2, ParameterRange.between(SweepParameter.ACTION_BIAS, -1, 3, false),
                ParameterRange.between(SweepParameter.BETA, 1e-4, 1e-2, true)).plan();
        assertEquals(4, plan.candidates());
        List<SweepCandidate> cs = all(plan);
        assertFalse(plan.generator().hasMoreCandidates());
        double[][] expected = {{-1, 1e-4}, {3, 1e-4}, {-1, 1e-2}, {3, 1e-2}}; // Arbiter's sequential grid: first parameter fastest
        for (int i = 0; i < 4; i++) {
            TarpoConfig c = cs.get(i).applyTo(BASE);
            assertEquals(expected[i][0], c.actionBias, 1e-12);
            assertEquals(expected[i][0], c.router().actionBias(), 1e-12);
            assertEquals(expected[i][1], c.beta, 1e-12 * expected[i][1] * 1e3);
            assertEquals(BASE.actionLearningRate, c.actionLearningRate, "an unswept key keeps the base value");
        }
    }

    @Test
    void logUniformRangeIsEvenlySpacedInLogSpace() {
        List<SweepCandidate> log = all(grid(3, ParameterRange.between(SweepParameter.BETA, 1e-4, 1e-2, true)).plan());
        assertEquals(1e-3, log.get(1).value(SweepParameter.BETA), 1e-12);
        List<SweepCandidate> lin = all(grid(3, ParameterRange.between(SweepParameter.ACTION_LEARNING_RATE, 1e-4, 1e-2, false)).plan());
        assertEquals(5.05e-3, lin.get(1).applyTo(BASE).actionLearningRate, 1e-12);

        SearchPlan random = new SweepDefinition(SweepDefinition.Search.RANDOM, 200, 3, 7, "score", Map.of(),
                List.of(ParameterRange.between(SweepParameter.BETA, 1e-4, 1e-2, true))).plan();
        int belowGeometricMean = 0;
        for (SweepCandidate c : all(random)) {
            double b = c.value(SweepParameter.BETA);
            assertTrue(b >= 1e-4 && b <= 1e-2, "in range: " + b);
            if (b < 1e-3) belowGeometricMean++;
        }
        // log-uniform: half the mass below 1e-3 (a uniform draw would put ~9% there)
        assertTrue(belowGeometricMean > 70 && belowGeometricMean < 130, "below 1e-3: " + belowGeometricMean);
    }

    @Test
    void initialHardProbabilityBecomesTheRouterBias() {
        SweepCandidate c = all(grid(2, ParameterRange.of(SweepParameter.INITIAL_HARD_PROBABILITY, 0.5, 0.9)).plan()).get(1);
        TarpoConfig config = c.applyTo(BASE);
        assertEquals(0.9, config.initialHardProbability);
        assertEquals(Math.log(0.9 / 0.1), config.router().actionBias(), 1e-9);
    }

    @Test
    void sweptActionBiasWinsOverAnInitialHardProbabilityInTheBase() {
        TarpoConfig base = TarpoConfig.defaults(Map.of("initial_hard_probability", "0.7"));
        SweepCandidate c = all(grid(2, ParameterRange.of(SweepParameter.ACTION_BIAS, 0.85, 4.6)).plan()).get(0);
        TarpoConfig config = c.applyTo(base);
        assertNull(config.initialHardProbability);
        assertEquals(0.85, config.router().actionBias(), 1e-12);
    }

    @Test
    void integerRangeGivesWholeNumbers() {
        List<SweepCandidate> cs = all(grid(3, ParameterRange.between(SweepParameter.SOFT_TOP_K, 2, 10, false),
                ParameterRange.of(SweepParameter.ACTION_LOSS_WEIGHT, 0.05, 0.2)).plan());
        assertEquals(6, cs.size());
        assertEquals(List.of(2, 6, 10), cs.subList(0, 3).stream().map(c -> c.applyTo(BASE).softTopK).toList());
        assertEquals(0.2, cs.get(5).applyTo(BASE).actionLossWeight);
    }

    @Test
    void randomSearchIsReproducibleFromItsSeed() {
        SweepDefinition d = new SweepDefinition(SweepDefinition.Search.RANDOM, 5, 3, 11, "score", Map.of(),
                List.of(ParameterRange.between(SweepParameter.ACTION_BIAS, 0, 4.6, false)));
        assertEquals(all(d.plan()), all(d.plan()));
        assertEquals(5, d.plan().candidates());
    }
}

package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;
import org.deeplearning4j.arbiter.optimize.api.termination.TerminationCondition;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;

/**
 * Stops when the generator has nothing left and no task is running. Arbiter's runner otherwise polls forever once a
 * grid is used up before the candidate count is reached (e.g. when a candidate fails while being generated).
 */
final class GeneratorExhausted implements TerminationCondition {
    private final CandidateGenerator generator;

    GeneratorExhausted(CandidateGenerator generator) { this.generator = generator; }

    @Override
    public void initialize(IOptimizationRunner runner) {}

    @Override
    public boolean terminate(IOptimizationRunner runner) {
        return !generator.hasMoreCandidates() && runner.numCandidatesQueued() == 0;
    }

    @Override
    public String toString() { return "GeneratorExhausted"; }
}

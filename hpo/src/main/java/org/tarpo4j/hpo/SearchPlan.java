package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.CandidateGenerator;

/** One run's parameter space, its (seeded) candidate generator and how many candidates to evaluate. */
record SearchPlan(CandidateSpace space, CandidateGenerator generator, int candidates) {}

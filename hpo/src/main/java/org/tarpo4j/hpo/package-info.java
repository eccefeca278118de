/**
 * Hyper-parameter sweeps of the trainer config with Arbiter, scored by a {@link org.tarpo4j.hpo.CandidateScorer} of
 * your own. Example: {@code examples/src/main/java/org/tarpo4j/examples/api/SweepWithYourScore.java}.
 *
 * <p>Stable API: {@link org.tarpo4j.hpo.Sweep}, {@link org.tarpo4j.hpo.SweepDefinition}, {@link
 * org.tarpo4j.hpo.ParameterRange}, {@link org.tarpo4j.hpo.SweepParameter}, {@link org.tarpo4j.hpo.CandidateScorer},
 * {@link org.tarpo4j.hpo.CandidateResult}, {@link org.tarpo4j.hpo.SweepResults}. Internal (may change without
 * notice): {@code SweepLog}.
 */
package org.tarpo4j.hpo;

package org.tarpo4j.hpo;

import org.tarpo4j.rl.train.TarpoConfig;

/** Trains and evaluates one candidate; the sweep maximises the returned score. */
@FunctionalInterface
public interface CandidateScorer {
    /**
     * @param config the candidate's full, validated trainer config; {@code outputDir} is the candidate's own directory
     * @return the score, higher is better; a non-finite score or an exception fails the candidate
     * @throws Exception any failure, which fails the candidate (the sweep goes on)
     */
    double score(TarpoConfig config) throws Exception;
}

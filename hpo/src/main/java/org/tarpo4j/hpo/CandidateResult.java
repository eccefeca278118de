package org.tarpo4j.hpo;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * What became of one candidate: one line of {@code sweep.jsonl}.
 *
 * @param index      the candidate's number (Arbiter's, from 0, in generation order)
 * @param parameters the swept values by config key
 * @param status     complete or failed
 * @param score      the scorer's score; null when failed
 * @param error      why it failed; null when complete
 * @param seconds    wall time of the candidate's task
 * @param dir        the candidate's output directory
 *
 * @serial exclude (serialised only to travel between the JVMs of one Spark run)
 */
public record CandidateResult(int index, Map<String, Double> parameters, Status status, Double score, String error,
                              double seconds, String dir) implements java.io.Serializable { // sweeps on Spark send them back
    /** How a candidate ended. */
    public enum Status {
        /** Scored. */
        @JsonProperty("complete") COMPLETE,
        /** The scorer threw or returned a non-finite score. */
        @JsonProperty("failed") FAILED
    }

    /** @return whether it was scored */
    public boolean complete() { return status == Status.COMPLETE; }

    /**
     * The value of a swept parameter.
     *
     * @param p a swept parameter
     * @return its value for this candidate
     * @throws IllegalArgumentException when it was not swept
     */
    public double value(SweepParameter p) {
        Double v = parameters.get(p.key());
        if (v == null) throw new IllegalArgumentException(p.key() + " was not swept");
        return v;
    }
}

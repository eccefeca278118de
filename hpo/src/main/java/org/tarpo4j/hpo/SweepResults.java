package org.tarpo4j.hpo;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A finished sweep.
 *
 * @param dir        the sweep directory
 * @param results    every candidate, in the order they ended
 * @param best       the highest-scoring complete candidate, if any completed
 * @param jsonl      {@value Sweep#JSONL}
 * @param table      the text table (also printed)
 * @param heatMap    the bias × β heat map; null when the sweep does not vary both or nothing completed
 * @param bestConfig the best candidate's full trainer config; null when nothing completed
 */
public record SweepResults(Path dir, List<CandidateResult> results, Optional<CandidateResult> best, Path jsonl, Path table,
                           Path heatMap, Path bestConfig) {
    /** @return candidates that failed */
    public long failed() { return results.stream().filter(r -> !r.complete()).count(); }
}

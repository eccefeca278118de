package org.tarpo4j.hpo;

import org.apache.commons.lang3.exception.ExceptionUtils;
import org.tarpo4j.rl.train.TarpoConfig;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One candidate of a sweep: its trainer config from the base, scored by the {@link CandidateScorer} in its own
 * directory. Any exception, an OutOfMemoryError or a non-finite score makes it FAILED with its message.
 *
 * @param result     what became of it
 * @param stackTrace the failure's stack trace, or null
 */
record CandidateRun(CandidateResult result, String stackTrace) {
    /** Where candidate {@code index} writes its runs. */
    static Path candidateDir(Path sweepDir, int index) {
        return sweepDir.resolve(String.format(Locale.ROOT, "candidate-%03d", index));
    }

    static CandidateRun run(SweepCandidate c, int index, TarpoConfig base, CandidateScorer scorer, Path sweepDir) {
        Path out = candidateDir(sweepDir, index);
        long t0 = System.nanoTime();
        Double score = null;
        String error = null, stackTrace = null;
        try {
            TarpoConfig config = c.applyTo(base);
            config.outputDir = out.toString();
            double s = scorer.score(config);
            if (!Double.isFinite(s)) throw new IllegalStateException("the scorer returned " + s);
            score = s;
        } catch (Exception | OutOfMemoryError e) { // JavaCPP reports off-heap exhaustion as OutOfMemoryError: this candidate's
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            stackTrace = ExceptionUtils.getStackTrace(e);
        }
        return new CandidateRun(new CandidateResult(index, c.byKey(), score == null ? CandidateResult.Status.FAILED
                : CandidateResult.Status.COMPLETE, score, error, (System.nanoTime() - t0) / 1e9, out.toString()), stackTrace);
    }
}

package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.Candidate;
import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.api.TaskCreator;
import org.deeplearning4j.arbiter.optimize.api.data.DataProvider;
import org.deeplearning4j.arbiter.optimize.api.data.DataSource;
import org.deeplearning4j.arbiter.optimize.api.score.ScoreFunction;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.CandidateStatus;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.StatusListener;
import org.tarpo4j.rl.train.TarpoConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * Arbiter's task per candidate: build the candidate's trainer config from the base, score it with the
 * {@link CandidateScorer} in its own directory, log the outcome to {@code sweep.jsonl} and tell the listeners.
 * Any exception, an OutOfMemoryError or a non-finite score makes the candidate FAILED with its message; the sweep goes on.
 */
final class SweepTaskCreator implements TaskCreator {
    private final TarpoConfig base;
    private final CandidateScorer scorer;
    private final Path dir;
    private final SweepLog log;

    public SweepTaskCreator(TarpoConfig base, CandidateScorer scorer, Path dir, SweepLog log) {
        this.base = base.copy();
        this.scorer = scorer;
        this.dir = dir;
        this.log = log;
    }

    /** Where candidate {@code index} writes its runs. */
    public static Path candidateDir(Path sweepDir, int index) {
        return CandidateRun.candidateDir(sweepDir, index);
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, DataProvider data, ScoreFunction score,
                                               List<StatusListener> listeners, IOptimizationRunner runner) {
        return () -> run(candidate, listeners, runner);
    }

    @Override
    public Callable<OptimizationResult> create(Candidate candidate, Class<? extends DataSource> dataSource, Properties properties,
                                               ScoreFunction score, List<StatusListener> listeners, IOptimizationRunner runner) {
        return () -> run(candidate, listeners, runner);
    }

    private OptimizationResult run(Candidate<?> candidate, List<StatusListener> listeners, IOptimizationRunner runner) {
        SweepCandidate c = (SweepCandidate) candidate.getValue();
        int index = candidate.getIndex();
        long started = System.currentTimeMillis();
        notify(listeners, runner, new OptimizationResult(candidate, null, index, null, new CandidateInfo(index,
                CandidateStatus.Running, null, started, started, null, candidate.getFlatParameters(), null), null));

        CandidateRun run = CandidateRun.run(c, index, base, scorer, dir);
        CandidateResult r = run.result();
        Double score = r.score();
        String stackTrace = run.stackTrace();
        log.append(r);
        CandidateInfo info = new CandidateInfo(index, score == null ? CandidateStatus.Failed : CandidateStatus.Complete, score,
                started, started, System.currentTimeMillis(), candidate.getFlatParameters(), stackTrace);
        OptimizationResult result = new OptimizationResult(candidate, score, index, r, info, null);
        notify(listeners, runner, result);
        return result;
    }

    private static void notify(List<StatusListener> listeners, IOptimizationRunner runner, OptimizationResult r) {
        for (StatusListener l : listeners) l.onCandidateStatusChange(r.getCandidateInfo(), runner, r);
    }
}

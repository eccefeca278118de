package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.OptimizationResult;
import org.deeplearning4j.arbiter.optimize.runner.CandidateInfo;
import org.deeplearning4j.arbiter.optimize.runner.IOptimizationRunner;
import org.deeplearning4j.arbiter.optimize.runner.listener.BaseStatusListener;

import java.io.PrintStream;
import java.util.Locale;

/** Prints a line when a candidate starts and when it ends (score or failure, time, best so far), and a summary. */
final class ProgressListener extends BaseStatusListener {
    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();
    private int ended, failed;
    private CandidateResult best;

    public ProgressListener(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    @Override
    public synchronized void onCandidateStatusChange(CandidateInfo info, IOptimizationRunner runner, OptimizationResult result) {
        if (result == null) return; // the runner's own "created" notices carry nothing to show
        switch (info.getCandidateStatus()) {
            case Running -> out.printf(Locale.ROOT, "[sweep %d/%d] candidate %d: %s%n", ended + 1, total, info.getIndex(),
                    result.getCandidate().getValue());
            case Complete, Failed -> ended((CandidateResult) result.getModelSpecificResults());
            default -> { }
        }
    }

    private void ended(CandidateResult r) {
        ended++;
        if (r.complete() && (best == null || r.score() > best.score())) best = r;
        if (!r.complete()) failed++;
        String outcome = r.complete() ? "score " + Numbers.format(r.score()) : "FAILED (" + r.error() + ")";
        String bestSoFar = best == null ? "none yet" : Numbers.format(best.score()) + " (candidate " + best.index() + ")";
        out.printf(Locale.ROOT, "[sweep %d/%d] candidate %d %s in %.0f s; best %s; elapsed %.1f min%n", ended, total, r.index(),
                outcome, r.seconds(), bestSoFar, (System.nanoTime() - start) / 6e10);
    }

    @Override
    public synchronized void onShutdown(IOptimizationRunner runner) {
        out.printf(Locale.ROOT, "[sweep] finished: %d complete, %d failed%n", ended - failed, failed);
    }
}

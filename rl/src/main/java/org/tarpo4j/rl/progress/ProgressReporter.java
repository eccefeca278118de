package org.tarpo4j.rl.progress;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/**
 * Console progress of a loop (training, evaluation, a curriculum), on standard error: a live progress bar with ETA on a terminal, or one plain
 * line every tenth of the run (with the same ETA) when the output is a file or a CI log.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class ProgressReporter implements AutoCloseable {
    private final ProgressBar bar;       // null without a terminal
    private final String task;
    private final int total;
    private final long start = System.nanoTime();
    private final int first;
    private int done;

    public ProgressReporter(String task, int total, int alreadyDone) {
        this.task = task;
        this.total = total;
        this.first = alreadyDone;
        this.done = alreadyDone;
        boolean terminal = System.console() != null && System.getenv("TARPO_PLAIN_PROGRESS") == null;
        this.bar = terminal ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).startsFrom(alreadyDone, java.time.Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build() : null;
    }

    /** Shows {@code extra} beside the current count. */
    public void message(String extra) {
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(" " + extra);
        } else if (done == total || (done - first) % Math.max(1, total / 10) == 0) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = done > first ? elapsed / (done - first) * (total - done) : 0;
            // standard error, as the bar's: standard output carries only a command's (or a library caller's) result
            System.err.printf(Locale.ROOT, "%s %d/%d  %s  elapsed %.0fs  eta %.0fs%n", task, done, total, extra, elapsed, eta);
        }
    }

    /** Advances by one unit and shows {@code extra} (e.g. the unit's headline metrics). */
    public void advance(String extra) {
        done++;
        message(extra);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}

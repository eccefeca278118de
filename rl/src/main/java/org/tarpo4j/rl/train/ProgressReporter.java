package org.tarpo4j.rl.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/**
 * Console progress of a training loop, on stderr: a live progress bar with ETA on a terminal, or one plain line every
 * tenth of the run (with the same ETA) when the output is a file or a CI log.
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

    /** Advances by one step and shows its headline metrics. */
    public void step(StepMetrics m) {
        done++;
        String extra = String.format(Locale.ROOT, "reward %.3f soft %.3f kl %.4f",
                m.values().getOrDefault("reward", Double.NaN), m.values().getOrDefault("soft_ratio", 0.0),
                m.values().getOrDefault("kl", 0.0));
        message(extra);
    }

    /** Advances by one unit with a free-form message. */
    public void message(String extra) {
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(" " + extra);
        } else if (done == total || (done - first) % Math.max(1, total / 10) == 0) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = done > first ? elapsed / (done - first) * (total - done) : 0;
            // stderr: stdout carries only a command's result
            System.err.printf(Locale.ROOT, "%s %d/%d  %s  elapsed %.0fs  eta %.0fs%n", task, done, total, extra, elapsed, eta);
        }
    }

    public void advance(String extra) {
        done++;
        message(extra);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}

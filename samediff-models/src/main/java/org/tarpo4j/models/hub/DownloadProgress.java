package org.tarpo4j.models.hub;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for a download, on stderr by default: redrawn in place on a terminal, otherwise printed at
 * every tenth of a large file (and once for a small one) so that logs stay short. Nothing when the stream is null.
 */
final class DownloadProgress {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 200_000_000L;
    /** Off a terminal, files smaller than this get only their final line. */
    private static final long STEPPED_FROM = 16L << 20;

    private final PrintStream out;
    private final boolean inPlace;
    private final String label;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final long initial;
    private long done;
    private long lastDraw;
    private int lastTenth = -1;

    DownloadProgress(PrintStream out, boolean inPlace, String label, long total, long initial) {
        this.out = out;
        this.inPlace = inPlace;
        this.label = label;
        this.total = total;
        this.initial = initial;
        this.done = initial;
        if (out != null && initial > 0) out.println(label + ": resuming at " + mb(initial) + " of " + mb(total));
    }

    void advance(long bytes) {
        done += bytes;
        if (out == null) return;
        long now = System.nanoTime();
        if (inPlace) {
            if (now - lastDraw < REDRAW_NANOS) return;
            lastDraw = now;
            out.print("\r" + line(now));
            out.flush();
        } else if (total >= STEPPED_FROM) {
            int tenth = (int) Math.min(10, done * 10 / total);
            if (tenth > lastTenth && tenth < 10) {
                lastTenth = tenth;
                out.println(line(now));
            }
        }
    }

    /** Bytes received so far, the resumed part included. */
    long done() { return done; }

    void finish() {
        if (out == null) return;
        out.print((inPlace ? "\r" : "") + line(System.nanoTime()) + System.lineSeparator());
        out.flush();
    }

    private String line(long now) {
        double fraction = total > 0 ? Math.min(1.0, (double) done / total) : 0;
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        double rate = (done - initial) / seconds;
        return String.format(Locale.ROOT, "%s [%s%s] %3.0f%% %s / %s %s/s", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
                fraction * 100, mb(done), mb(total), mb((long) rate));
    }

    private static String mb(long bytes) {
        if (bytes < 0) return "?";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }
}

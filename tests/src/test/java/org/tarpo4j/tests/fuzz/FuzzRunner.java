package org.tarpo4j.tests.fuzz;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs fuzz cases one at a time on a worker thread with a per-input timeout, and classifies what happened. */
final class FuzzRunner implements AutoCloseable {
    /** One case's outcome; {@code detail} says what went wrong for anything but a clear rejection. */
    record Result(FuzzCase fuzzCase, FuzzOutcome outcome, String detail) {}

    private final Duration timeout;
    private ExecutorService worker = newWorker();

    FuzzRunner(Duration timeout) {
        this.timeout = timeout;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-worker");
            t.setDaemon(true); // a hung load must not keep the test JVM alive
            return t;
        });
    }

    Result run(FuzzCase c) {
        Future<Object> future = worker.submit(c.load()::run);
        try {
            Object built = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (built instanceof AutoCloseable closeable) closeQuietly(closeable);
            return new Result(c, FuzzOutcome.ACCEPTED, "accepted" + (built == null ? "" : ", built a " + built.getClass().getSimpleName()));
        } catch (TimeoutException e) {
            future.cancel(true);
            worker.shutdownNow();
            worker = newWorker(); // the stuck thread is abandoned; later cases get a fresh one
            return new Result(c, FuzzOutcome.HANG, "no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return classify(c, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Result classify(FuzzCase c, Throwable t) {
        if (t instanceof OutOfMemoryError) return new Result(c, FuzzOutcome.OUT_OF_MEMORY, String.valueOf(t));
        if (t instanceof PartialLoadException) return new Result(c, FuzzOutcome.PARTIAL, t.getMessage());
        if (!c.isExpected(t)) return new Result(c, FuzzOutcome.CRASH, describe(t));
        var missing = c.missingFrom(t.getMessage());
        if (!missing.isEmpty()) return new Result(c, FuzzOutcome.UNCLEAR, "message names none of " + missing + ": " + t.getMessage());
        return new Result(c, FuzzOutcome.REJECTED, t.getMessage());
    }

    private static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(String.valueOf(t));
        StackTraceElement[] trace = t.getStackTrace();
        for (int i = 0; i < Math.min(4, trace.length); i++) b.append("\n      at ").append(trace[i]);
        return b.toString();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // what matters is that it was accepted
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}

package org.tarpo4j.models.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one blob into the cache so that a crash never leaves a file that looks complete: the bytes go to
 * {@code blobs/ETAG.incomplete}, which a later attempt (in this run after a dropped connection, or in the next run)
 * continues with a {@code Range} request; only a file of the announced size whose checksum matches is renamed to
 * {@code blobs/ETAG}. A download that receives nothing for the settings' timeout is cut and resumed.
 */
final class BlobDownload {
    /** Connection attempts per file; each resumes where the previous one stopped. */
    static final int MAX_ATTEMPTS = 5;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hub-download-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final HubClient client;
    private final PrintStream progressOut;
    private final boolean inPlace;

    BlobDownload(HubClient client, PrintStream progressOut, boolean inPlace) {
        this.client = client;
        this.progressOut = progressOut;
        this.inPlace = inPlace;
    }

    /**
     * Makes {@code blob} exist with the content {@code meta} describes.
     *
     * @param lockFile the lock other processes downloading the same blob take too
     * @param check    the size and checksum the finished file must have
     * @param label    how progress and errors name the file ({@code repo: file})
     */
    void fetch(FileMetadata meta, Path blob, Path lockFile, ContentCheck check, String repoId, String file, String label)
            throws IOException {
        Files.createDirectories(blob.getParent());
        Files.createDirectories(lockFile.getParent());
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath(), p -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            if (Files.isRegularFile(blob)) return; // another process finished it while we waited
            Path partial = HubCache.incomplete(blob);
            transfer(meta, partial, check.size(), repoId, file, label);
            check.verify(partial, label);
            Files.move(partial, blob, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            jvmLock.unlock();
        }
    }

    private void transfer(FileMetadata meta, Path partial, long size, String repoId, String file, String label) throws IOException {
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (size >= 0 && have > size) {
            Files.delete(partial); // longer than the file can be: not a prefix of it
            have = 0;
        }
        if (size >= 0 && have == size) return;
        DownloadProgress progress = new DownloadProgress(progressOut, inPlace, label, size, have);
        IOException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                if (attemptOnce(meta, partial, size, repoId, file, progress)) {
                    progress.finish();
                    return;
                }
                last = null;
            } catch (HubException e) {
                throw e; // an answer from the hub, not a broken connection: retrying would not change it
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
            if (progressOut != null) {
                progressOut.println((inPlace ? System.lineSeparator() : "") + label + ": connection lost at "
                        + Files.size(partial) + " bytes" + (last == null ? "" : " (" + last.getMessage() + ")")
                        + (attempt < MAX_ATTEMPTS ? ", resuming" : ""));
            }
            sleep(200L * attempt);
        }
        throw new HubException(HubException.Kind.PROTOCOL, label + ": download failed after " + MAX_ATTEMPTS
                + " attempts; " + Files.size(partial) + " bytes are kept in " + partial + " and the next run resumes from there"
                + (last == null ? "" : " (" + last + ")"), last);
    }

    /** One request; true when the file is complete, false when the connection ended early. */
    private boolean attemptOnce(FileMetadata meta, Path partial, long size, String repoId, String file, DownloadProgress progress)
            throws IOException {
        long have = Files.exists(partial) ? Files.size(partial) : 0;
        if (size >= 0 && have == size) return true;
        URI location = meta.location();
        HttpResponse<InputStream> r = client.get(location, !meta.otherHost(), have, repoId, file);
        try (InputStream body = r.body();
             FileChannel out = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            int status = r.statusCode();
            long start;
            if (status == 206) {
                start = rangeStart(r, partial);
                if (start != have) start = restartAt(out, progress); // the server sent another range: start over
            } else if (status == 200) {
                start = have == 0 ? 0 : restartAt(out, progress); // the server ignored the Range: start over
            } else if (status == 416 && size >= 0 && have == size) {
                return true;
            } else {
                throw HubErrors.of(status, r.headers(), repoId, meta.commit(), "file " + file, client.settings());
            }
            out.position(start);
            copy(body, out, progress);
            out.force(true);
            long now = out.size();
            return size < 0 || now >= size;
        }
    }

    private static long restartAt(FileChannel out, DownloadProgress progress) throws IOException {
        progress.advance(-progress.done());
        out.truncate(0);
        return 0;
    }

    private static long rangeStart(HttpResponse<?> r, Path partial) throws HubException {
        String cr = r.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(cr.strip());
        if (!m.matches()) {
            throw new HubException(HubException.Kind.PROTOCOL, r.uri() + ": a 206 answer without a valid Content-Range ('"
                    + cr + "') while resuming " + partial);
        }
        return Long.parseLong(m.group(1));
    }

    /** Copies the body, cutting the connection when nothing arrives for the timeout (the read then fails). */
    private void copy(InputStream body, FileChannel out, DownloadProgress progress) throws IOException {
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        long timeoutNanos = client.settings().timeout().toNanos();
        long period = Math.max(10, client.settings().timeout().toMillis() / 4);
        ScheduledFuture<?> guard = WATCHDOG.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastByte.get() > timeoutNanos) {
                try {
                    body.close(); // unblocks the read below with an IOException
                } catch (IOException ignored) {
                    // closing is best effort
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
        try {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = body.read(buf)) > 0) {
                lastByte.set(System.nanoTime());
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) out.write(b);
                progress.advance(n);
            }
        } finally {
            guard.cancel(false);
        }
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to resume a download");
        }
    }
}

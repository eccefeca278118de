package org.tarpo4j.models.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes a whole directory under a temporary sibling name and renames it into place, so readers see either the old
 * directory or the complete new one, never a half-written one.
 *
 * <p>Replacing an existing directory takes two renames (old aside, new in); a crash exactly between them leaves the
 * old content under {@code .NAME.old-*} beside the missing target, from where {@link #recover} restores it.
 * {@link #delete} likewise renames a directory aside ({@code .NAME.del-*}) before deleting its files, so that no
 * directory is ever seen half-deleted under its own name.
 */
public final class AtomicDirectory {
    private AtomicDirectory() {}

    @FunctionalInterface
    public interface Writer {
        void writeInto(Path directory) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        recover(abs);
        String tag = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        Path tmp = parent.resolve("." + abs.getFileName() + ".tmp-" + tag);
        Path old = parent.resolve("." + abs.getFileName() + ".old-" + tag);
        Files.createDirectory(tmp);
        try {
            writer.writeInto(tmp);
            if (Files.exists(abs)) {
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                deleteRecursively(old);
            } else {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            if (Files.exists(tmp)) deleteRecursively(tmp);
            if (!Files.exists(abs) && Files.exists(old)) Files.move(old, abs, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * Removes {@code target} at once: renamed aside to {@code .NAME.del-*}, then deleted. A crash during the deletion
     * leaves only that hidden leftover, which {@link #recover} removes.
     */
    public static void delete(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        if (!Files.exists(abs)) return;
        Path aside = abs.resolveSibling("." + abs.getFileName() + ".del-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        Files.move(abs, aside, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(aside);
    }

    /** Puts back a directory left aside by a crash between the two renames, and removes stale temporaries and deletions. */
    public static void recover(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        if (!Files.isDirectory(parent)) return;
        String name = abs.getFileName().toString();
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path p : siblings.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("." + name + ".old-") && !Files.exists(abs)) {
                    Files.move(p, abs, StandardCopyOption.ATOMIC_MOVE);
                } else if (n.startsWith("." + name + ".tmp-") || n.startsWith("." + name + ".old-") || n.startsWith("." + name + ".del-")) {
                    deleteRecursively(p);
                }
            }
        }
    }

    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}

package org.tarpo4j.models.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Directories appear whole and disappear whole; what a crash leaves behind is hidden and recovered. */
class AtomicDirectoryTest {
    @TempDir Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void fill(Path d, String... files) throws IOException {
        Files.createDirectories(d);
        for (String f : files) Files.writeString(d.resolve(f), f);
    }

    @Test
    void writeReplacesTheWholeDirectory() throws IOException {
        Path target = dir.resolve("ckpt");
        AtomicDirectory.write(target, d -> fill(d, "a", "b"));
        AtomicDirectory.write(target, d -> fill(d, "c"));
        assertEquals(List.of("ckpt"), names());
        try (Stream<Path> s = Files.list(target)) {
            assertEquals(List.of("c"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void deleteLeavesNothingBehind() throws IOException {
        Path target = dir.resolve("ckpt");
        fill(target, "a", "b", "c");
        AtomicDirectory.delete(target);
        assertEquals(List.of(), names());
        AtomicDirectory.delete(target); // nothing there: nothing to do
    }

    @Test
    void aDeletionCutShortIsHiddenAndRecoveredWithoutResurrectingIt() throws IOException {
        // what a crash in the middle of delete leaves: part of the files, under the hidden name
        fill(dir.resolve(".ckpt.del-x1"), "config.json");
        AtomicDirectory.recover(dir.resolve("ckpt"));
        assertEquals(List.of(), names());
    }

    @Test
    void aDirectorySetAsideBetweenTheTwoRenamesIsPutBack() throws IOException {
        fill(dir.resolve(".ckpt.old-x2"), "a");
        fill(dir.resolve(".ckpt.tmp-x2"), "half");
        AtomicDirectory.recover(dir.resolve("ckpt"));
        assertEquals(List.of("ckpt"), names());
        assertTrue(Files.exists(dir.resolve("ckpt/a")));
        assertFalse(Files.exists(dir.resolve("ckpt/half")));
    }
}

package org.tarpo4j.examples.embedded;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where the embedded job keeps things under the runs directory. */
public final class EmbeddedLayout {
    private EmbeddedLayout() {}

    /** Bumped when the task's vocabulary changes, so caches of an older one are never mixed in. */
    static final String VERSION = "v" + org.tarpo4j.examples.arith.ArithmeticTokenizer.VOCAB_SIZE;

    public static Path tokenizer(Path runs) { return runs.resolve("embedded").resolve("tokenizer-" + VERSION); }

    /** The cached warm start of a preset and seed (reused by every later run). */
    public static Path warmStart(Path runs, EmbeddedPreset preset, long seed) {
        return runs.resolve("embedded").resolve("sft-" + preset.name() + "-" + VERSION + "-seed" + seed);
    }

    /** A new run directory, {@code runs/<timestamp>[-suffix]}. */
    public static Path newRun(Path runs, String suffix) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return runs.resolve(suffix == null ? stamp : stamp + "-" + suffix);
    }
}

package org.tarpo4j.hpo;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code sweep.jsonl}: one {@link CandidateResult} per line, appended (and flushed) as each candidate ends.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class SweepLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final List<CandidateResult> results = new ArrayList<>();

    /** Starts an empty log at {@code file}. */
    public SweepLog(Path file) throws IOException {
        this.file = file;
        Files.writeString(file, "", StandardCharsets.UTF_8);
    }

    public Path file() { return file; }

    public synchronized void append(CandidateResult r) {
        try {
            Files.writeString(file, JSON.writeValueAsString(r) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        results.add(r);
    }

    /** The results so far, in the order candidates ended. */
    public synchronized List<CandidateResult> results() { return List.copyOf(results); }

    /** Reads a log back. */
    public static List<CandidateResult> read(Path file) throws IOException {
        List<CandidateResult> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) out.add(JSON.readValue(line, CandidateResult.class));
        }
        return out;
    }
}

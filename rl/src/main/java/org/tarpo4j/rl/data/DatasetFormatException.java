package org.tarpo4j.rl.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file line that cannot be read as a problem; the message names the file, the 1-based line and the fault. */
public class DatasetFormatException extends IOException {
    /** The offending file. */
    private final Path file;
    /** The 1-based line. */
    private final long line;

    /**
     * @param file    the offending file
     * @param line    the 1-based line
     * @param problem what is wrong, for a human
     */
    public DatasetFormatException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    /**
     * @param file    the offending file
     * @param line    the 1-based line
     * @param problem what is wrong, for a human
     * @param cause   the parser's error, or null
     */
    public DatasetFormatException(Path file, long line, String problem, Throwable cause) {
        super(file + ", line " + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** @return the offending file */
    public Path file() {
        return file;
    }

    /** @return 1-based line number */
    public long line() {
        return line;
    }
}

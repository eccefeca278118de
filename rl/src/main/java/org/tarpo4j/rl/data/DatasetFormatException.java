package org.tarpo4j.rl.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file line that cannot be read as a problem; the message names the file, the 1-based line and the fault. */
public class DatasetFormatException extends IOException {
    private final Path file;
    private final long line;

    public DatasetFormatException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    public DatasetFormatException(Path file, long line, String problem, Throwable cause) {
        super(file + ", line " + line + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number. */
    public long line() {
        return line;
    }
}

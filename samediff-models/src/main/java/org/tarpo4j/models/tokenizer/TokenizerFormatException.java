package org.tarpo4j.models.tokenizer;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A tokenizer file that cannot be used: missing, unreadable, not JSON, structurally wrong, of an unsupported model
 * type, or rejected by the native tokenizers library. The message always starts with the offending file's path.
 */
public class TokenizerFormatException extends IOException {
    /** The offending file. */
    private final Path file;

    /**
     * @param file    the offending file
     * @param problem what is wrong with it, for a human
     */
    public TokenizerFormatException(Path file, String problem) {
        this(file, problem, null);
    }

    /**
     * As {@link #TokenizerFormatException(Path, String)}, keeping the underlying error as the cause.
     *
     * @param file    the offending file
     * @param problem what is wrong with it, for a human
     * @param cause   the underlying error, or null
     */
    public TokenizerFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** A file that Jackson could not parse, with the line and column where parsing stopped. */
    static TokenizerFormatException invalidJson(Path file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new TokenizerFormatException(file,
                "not valid JSON (truncated or not a tokenizer file?)" + where + ": " + e.getOriginalMessage(), e);
    }

    /** @return the file that could not be used */
    public Path file() {
        return file;
    }
}

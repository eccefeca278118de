package org.tarpo4j.models.io;

import java.io.IOException;

/**
 * A checkpoint file or directory is malformed or does not match what the caller expects. The message names the
 * file and, where relevant, the tensor and the offending field, so it can be acted on without a debugger.
 */
public final class CheckpointFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, starting with the file or directory concerned */
    public CheckpointFormatException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, starting with the file or directory concerned
     * @param cause   the parser's error
     */
    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.tarpo4j.rl.data;

import java.nio.file.Path;

/**
 * A well-formed row without a usable gold answer (no final-answer marker, an empty answer): skippable with
 * {@link LoadOptions#skipUnanswerable()}, unlike the other {@link DatasetFormatException}s.
 */
final class UnanswerableRowException extends DatasetFormatException {
    public UnanswerableRowException(Path file, long line, String problem) {
        super(file, line, problem + " (LoadOptions.skippingUnanswerable() skips such rows)");
    }
}

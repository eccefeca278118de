package org.tarpo4j.tests.fuzz;

/** What a loader did with one malformed input. Only {@link #REJECTED} is acceptable. */
enum FuzzOutcome {
    /** The expected exception type, with a message naming every culprit. */
    REJECTED,
    /** The expected exception type, but the message does not name the culprit. */
    UNCLEAR,
    /** Any other exception or error (NullPointerException, IndexOutOfBounds, a native error, ...). */
    CRASH,
    /** The load did not finish within the per-input timeout. */
    HANG,
    /** An {@link OutOfMemoryError}. */
    OUT_OF_MEMORY,
    /** Rejected, but a model it was loaded into was changed on the way. */
    PARTIAL,
    /** No error at all: the malformed input was silently accepted. */
    ACCEPTED
}

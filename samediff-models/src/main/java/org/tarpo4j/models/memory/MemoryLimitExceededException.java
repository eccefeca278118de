package org.tarpo4j.models.memory;

/** A request whose estimated memory exceeds the limit, refused before anything was allocated. */
public final class MemoryLimitExceededException extends IllegalArgumentException {
    private final long estimateBytes, limitBytes;

    public MemoryLimitExceededException(String message, long estimateBytes, long limitBytes) {
        super(message);
        this.estimateBytes = estimateBytes;
        this.limitBytes = limitBytes;
    }

    /** The lower-bound estimate of what the request needs. */
    public long estimateBytes() {
        return estimateBytes;
    }

    /** The limit it exceeds. */
    public long limitBytes() {
        return limitBytes;
    }
}

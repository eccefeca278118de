package org.tarpo4j.models.memory;

/** A request whose estimated memory exceeds the limit, refused before anything was allocated. */
public final class MemoryLimitExceededException extends IllegalArgumentException {
    /** The estimate, in bytes. */
    private final long estimateBytes;
    /** The limit, in bytes. */
    private final long limitBytes;

    /**
     * @param message       what was refused, with the estimate's parts
     * @param estimateBytes the estimate
     * @param limitBytes    the limit
     */
    public MemoryLimitExceededException(String message, long estimateBytes, long limitBytes) {
        super(message);
        this.estimateBytes = estimateBytes;
        this.limitBytes = limitBytes;
    }

    /** @return the lower-bound estimate of what the request needs, in bytes */
    public long estimateBytes() {
        return estimateBytes;
    }

    /** @return the limit it exceeds, in bytes */
    public long limitBytes() {
        return limitBytes;
    }
}

package org.tarpo4j.rl.data;

/**
 * How strictly a problem file is read.
 *
 * @param maxLineBytes     the longest line allowed, in bytes without its line end; a longer line is an error
 * @param skipUnanswerable skip (and list in {@link ProblemSet#skipped()}) rows that are well-formed JSON with the
 *                         right fields but have no usable gold answer, e.g. the two MATH train solutions whose
 *                         {@code \boxed{}} is empty; otherwise such a row is an error like any other
 */
public record LoadOptions(int maxLineBytes, boolean skipUnanswerable) {
    /** 1 MiB lines, every fault an error. */
    public static final LoadOptions STRICT = new LoadOptions(1 << 20, false);

    /**
     * @param maxLineBytes     positive
     * @param skipUnanswerable whether rows without a usable answer are skipped
     * @throws IllegalArgumentException for a cap below 1
     */
    public LoadOptions {
        if (maxLineBytes < 1) throw new IllegalArgumentException("maxLineBytes must be positive, got " + maxLineBytes);
    }

    /**
     * @param bytes the longest line allowed
     * @return these options with that cap
     */
    public LoadOptions withMaxLineBytes(int bytes) {
        return new LoadOptions(bytes, skipUnanswerable);
    }

    /** @return these options, skipping rows without a usable answer */
    public LoadOptions skippingUnanswerable() {
        return new LoadOptions(maxLineBytes, true);
    }
}

package org.tarpo4j.models.generation;

import java.util.List;

/**
 * The positions a model's graphs cover ({@code CausalLm.maxContext()}, the length of their rotary tables), with the
 * checks that keep every prompt plus completion inside them. They run before any work: a position outside the tables
 * would otherwise fail deep inside a gather.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 *
 * @param positions the longest sequence, prompt and completion together
 */
public record ContextWindow(int positions) {
    public ContextWindow {
        if (positions <= 0) throw new IllegalArgumentException("a context needs at least one position, got " + positions);
    }

    /** Fails naming the first prompt that, followed by {@code newTokens} tokens, would not fit. */
    public void requireRoom(List<int[]> prompts, int newTokens, String what) {
        for (int i = 0; i < prompts.size(); i++) {
            long needed = (long) prompts.get(i).length + newTokens;
            if (needed > positions) {
                throw new IllegalArgumentException(what + ": prompt " + i + " has " + prompts.get(i).length + " tokens; with "
                        + newTokens + " new tokens it needs " + needed + " positions but the model's context is " + positions);
            }
        }
    }

    /** Fails when sequence {@code index}, of {@code length} positions, would not fit. */
    public void requireFits(int index, long length, String what) {
        if (length > positions) {
            throw new IllegalArgumentException(what + ": sequence " + index + " needs " + length
                    + " positions but the model's context is " + positions);
        }
    }

    /**
     * How many new tokens every row has room for: {@code wanted}, or fewer where the longest prompt meets the end of
     * the context (rows of a batch advance together). Fails naming a prompt that leaves no room for even one.
     */
    public int newTokensThatFit(List<int[]> prompts, int wanted, String what) {
        if (wanted == 0) return 0;
        requireRoom(prompts, 1, what);
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        return Math.min(wanted, positions - longest);
    }
}

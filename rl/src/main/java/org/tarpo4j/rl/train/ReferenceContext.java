package org.tarpo4j.rl.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What the KL reference model reads at soft steps ({@code reference_context}). */
public enum ReferenceContext {
    /** The all-hard sequence: every position its token (the released code). */
    HARD,
    /** The policy's own inputs, soft where the rollout was soft. */
    MIXED;

    /**
     * By name, as in configs, case-insensitive.
     *
     * @param s hard or mixed
     * @return the context
     * @throws IllegalArgumentException for another name
     */
    @JsonCreator
    public static ReferenceContext parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "hard" -> HARD;
            case "mixed" -> MIXED;
            default -> throw new IllegalArgumentException("reference_context must be 'hard' or 'mixed', got '" + s + "'");
        };
    }

    /** @return the lower-case name, as in configs */
    @JsonValue
    public String id() { return name().toLowerCase(Locale.ROOT); }
}

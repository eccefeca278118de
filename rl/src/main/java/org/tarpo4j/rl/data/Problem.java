package org.tarpo4j.rl.data;

import java.util.Objects;

/**
 * One training or evaluation problem.
 *
 * @param id        stable identifier, unique within its set (e.g. {@code "train.jsonl:12"})
 * @param prompt    the question text, without any chat formatting
 * @param answer    the gold final answer, as the reward functions expect it
 * @param reference the full worked solution, or {@code null} when the set has none
 * @serial exclude
 */
public record Problem(String id, String prompt, String answer, String reference) implements java.io.Serializable {
    /**
     * @param id        not null
     * @param prompt    not null
     * @param answer    not null
     * @param reference may be null
     */
    public Problem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
    }
}

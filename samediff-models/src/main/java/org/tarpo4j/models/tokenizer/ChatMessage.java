package org.tarpo4j.models.tokenizer;

import java.util.Objects;

/**
 * One turn of a conversation, as in transformers' {@code [{"role": ..., "content": ...}]}.
 *
 * @param role    usually {@code system}, {@code user} or {@code assistant}
 * @param content the text of the turn, verbatim (each template decides whether it is trimmed)
 */
public record ChatMessage(String role, String content) {
    /**
     * @param role    not null
     * @param content not null
     */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /**
     * A {@code system} turn.
     *
     * @param content its text
     * @return the message
     */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /**
     * A {@code user} turn.
     *
     * @param content its text
     * @return the message
     */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /**
     * An {@code assistant} turn.
     *
     * @param content its text
     * @return the message
     */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}

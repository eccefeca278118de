package org.tarpo4j.models.tokenizer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * ChatML, the prompt format of Qwen2 / Qwen2.5: each message is {@code <|im_start|>{role}\n{content}<|im_end|>\n}
 * (content verbatim, not trimmed) and the generation prompt is {@code <|im_start|>assistant\n}.
 *
 * <p>Which factory to use:
 * <ul>
 *   <li>{@link #qwen25()} reproduces Qwen2.5-Instruct's Hugging Face {@code chat_template} exactly (without tools):
 *       when the first message is not a system message it inserts
 *       {@code "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."} as one.</li>
 *   <li>{@link #plain()} inserts nothing: the conversation as given. Same output as {@link #qwen25()} whenever the
 *       conversation starts with a system message.</li>
 *   <li>{@link #withDefaultSystemPrompt(String)} for another implicit system prompt (Qwen2-Instruct's template used
 *       {@code "You are a helpful assistant."}).</li>
 * </ul>
 *
 * <p>Only the roles {@code system}, {@code user} and {@code assistant} are accepted. Tool calls and tool results
 * (which Qwen2.5 renders in its own way) are out of scope and rejected, as are other roles (which its template
 * would silently drop).
 */
public final class ChatMlTemplate implements ChatTemplate {
    /** The system prompt Qwen2.5-Instruct's template inserts when the conversation has none. */
    public static final String QWEN25_DEFAULT_SYSTEM_PROMPT =
            "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.";

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final Optional<String> defaultSystemPrompt;

    private ChatMlTemplate(Optional<String> defaultSystemPrompt) {
        this.defaultSystemPrompt = defaultSystemPrompt;
    }

    /** @return ChatML with no implicit system message */
    public static ChatMlTemplate plain() {
        return new ChatMlTemplate(Optional.empty());
    }

    /** @return exactly Qwen2.5-Instruct's Hugging Face template (without tools), default system message included */
    public static ChatMlTemplate qwen25() {
        return withDefaultSystemPrompt(QWEN25_DEFAULT_SYSTEM_PROMPT);
    }

    /**
     * ChatML that inserts {@code systemPrompt} as a system message when the first message is not one.
     *
     * @param systemPrompt the implicit system message
     * @return the template
     */
    public static ChatMlTemplate withDefaultSystemPrompt(String systemPrompt) {
        return new ChatMlTemplate(Optional.of(Objects.requireNonNull(systemPrompt, "systemPrompt")));
    }

    /** @return the implicit system prompt, empty for {@link #plain()} */
    public Optional<String> defaultSystemPrompt() {
        return defaultSystemPrompt;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages.isEmpty()) throw new IllegalArgumentException("a chat prompt needs at least one message");
        StringBuilder out = new StringBuilder();
        if (!messages.get(0).role().equals("system")) {
            defaultSystemPrompt.ifPresent(prompt -> turn(out, "system", prompt));
        }
        for (ChatMessage m : messages) {
            if (!ROLES.contains(m.role())) {
                throw new IllegalArgumentException("ChatML template: unsupported role '" + m.role()
                        + "' (only system, user, assistant; tool messages are out of scope)");
            }
            turn(out, m.role(), m.content());
        }
        if (addGenerationPrompt) out.append("<|im_start|>assistant\n");
        return out.toString();
    }

    private static void turn(StringBuilder out, String role, String content) {
        out.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
    }

    @Override
    public String toString() {
        return "ChatMlTemplate" + defaultSystemPrompt.map(p -> "[default system: " + p + "]").orElse("[plain]");
    }
}

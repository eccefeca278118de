package org.tarpo4j.rl.data;

import org.tarpo4j.models.tokenizer.ChatMessage;
import org.tarpo4j.models.tokenizer.ChatTemplate;
import org.tarpo4j.models.tokenizer.HfTokenizer;

import java.util.List;
import java.util.Objects;

/**
 * The method's prompt (§8): a system turn asking for reasoning and then the final answer after {@code ####}, the
 * problem as the user turn, rendered with the model's chat template and the assistant turn left open.
 */
public final class PromptBuilder {
    /** The default system prompt. Its marker must match the reward's ({@code ####} by default). */
    public static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant. Think through the problem step by step, "
            + "then give the final answer after '####', in the form: {reasoning} #### {answer}";

    private final ChatTemplate template;
    private final String systemPrompt;

    /**
     * With {@link #DEFAULT_SYSTEM_PROMPT}.
     *
     * @param template the model's chat template
     */
    public PromptBuilder(ChatTemplate template) {
        this(template, DEFAULT_SYSTEM_PROMPT);
    }

    /**
     * @param template     the model's chat template
     * @param systemPrompt the system turn's text; an empty string still renders an (empty) system turn
     */
    public PromptBuilder(ChatTemplate template, String systemPrompt) {
        this.template = Objects.requireNonNull(template, "template");
        this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
    }

    /** @return the system turn's text */
    public String systemPrompt() {
        return systemPrompt;
    }

    /**
     * The conversation: system prompt, then the problem's question as the user turn.
     *
     * @param problem the problem
     * @return the two messages
     */
    public List<ChatMessage> messages(Problem problem) {
        return List.of(ChatMessage.system(systemPrompt), ChatMessage.user(problem.prompt()));
    }

    /**
     * The rendered prompt text, ending with the open assistant header.
     *
     * @param problem the problem
     * @return the prompt text
     */
    public String render(Problem problem) {
        return template.render(messages(problem), true);
    }

    /**
     * Token ids of {@link #render}, without the tokenizer's own special tokens (the template writes them).
     *
     * @param tokenizer the model's tokenizer
     * @param problem   the problem
     * @return the prompt ids
     */
    public int[] encode(HfTokenizer tokenizer, Problem problem) {
        return template.encode(tokenizer, messages(problem), true);
    }
}

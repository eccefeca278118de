package org.tarpo4j.models.tokenizer;

import java.util.List;

/** A model's chat prompt format: renders a conversation to the exact string its reference Jinja template produces. */
public interface ChatTemplate {
    /**
     * The prompt text, special tokens written out (e.g. {@code <|im_start|>}).
     *
     * @param messages            the conversation, at least one message
     * @param addGenerationPrompt end with the opened assistant header, so the model writes the next assistant turn
     * @return the prompt text
     * @throws IllegalArgumentException for an empty conversation or a message the template cannot render faithfully
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * Token ids of {@link #render}. Encoded without the tokenizer's own special tokens, since the rendered text
     * already contains them (adding them again would, e.g., give Llama-3 two {@code <|begin_of_text|>}).
     *
     * @param tokenizer           the model's tokenizer
     * @param messages            the conversation
     * @param addGenerationPrompt end with the opened assistant header
     * @return the prompt's token ids
     */
    default int[] encode(HfTokenizer tokenizer, List<ChatMessage> messages, boolean addGenerationPrompt) {
        return tokenizer.encode(render(messages, addGenerationPrompt), false);
    }
}

package org.tarpo4j.models.tokenizer;

import java.util.Locale;

/** Picks the chat template for a Hugging Face {@code config.json} {@code model_type}. */
public final class ChatTemplates {
    private ChatTemplates() {}

    /**
     * The template for {@code modelType}:
     * <ul>
     *   <li>{@code "qwen2"}: {@link ChatMlTemplate#plain()}. {@code model_type} cannot tell Qwen2 from Qwen2.5 (whose
     *       templates insert different default system prompts), so none is inserted; use
     *       {@link ChatMlTemplate#qwen25()} for Hugging Face's exact Qwen2.5 behaviour.</li>
     *   <li>{@code "llama"}: {@link Llama3Template} (Llama-3.1 Instruct, default date). Llama-2 models share this
     *       model_type but have another template, which is not provided.</li>
     * </ul>
     *
     * @param modelType a {@code config.json} {@code model_type}
     * @return its template
     * @throws IllegalArgumentException for any other model type
     */
    public static ChatTemplate forModelType(String modelType) {
        return switch (modelType.toLowerCase(Locale.ROOT)) {
            case "qwen2" -> ChatMlTemplate.plain();
            case "llama" -> new Llama3Template();
            default -> throw new IllegalArgumentException(
                    "no chat template for model_type '" + modelType + "' (supported: qwen2, llama)");
        };
    }
}

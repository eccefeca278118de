package org.tarpo4j.models.zoo;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ConfigException;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.hub.ModelResolver;
import org.tarpo4j.models.tokenizer.ChatMlTemplate;
import org.tarpo4j.models.tokenizer.ChatTemplate;

import java.io.IOException;
import java.nio.file.Path;

/** Qwen2.5 models (model_type {@code qwen2}) from a local Hugging Face directory, or a hub id
 * taken from the Hugging Face cache or downloaded into it (see {@link CausalLm#fromPretrained(String)}). */
public final class Qwen25 {
    private Qwen25() {}

    /**
     * Loads a model by reference, refusing another family.
     *
     * @param reference a directory or a hub id with an optional revision ({@code org/name@main})
     * @return the model
     * @throws IOException when it cannot be read or fetched
     */
    public static CausalLm fromPretrained(String reference) throws IOException {
        return fromPretrained(ModelResolver.fromEnvironment().resolve(reference));
    }

    /**
     * Loads a Qwen2 model directory ({@link CausalLm#fromPretrained}), refusing another family.
     *
     * @param dir a Hugging Face model directory
     * @return the model
     * @throws IOException when it cannot be read; a {@code ConfigException} when its model_type is not qwen2
     */
    public static CausalLm fromPretrained(Path dir) throws IOException {
        ModelConfig c = ModelConfig.read(dir);
        if (!c.isQwen2()) throw new ConfigException(dir.resolve("config.json") + ": model_type is '" + c.modelType() + "', not qwen2");
        return CausalLm.fromPretrained(dir);
    }

    /** @return Qwen2.5's own chat template (ChatML with its default system prompt) */
    public static ChatTemplate chatTemplate() { return ChatMlTemplate.qwen25(); }
}

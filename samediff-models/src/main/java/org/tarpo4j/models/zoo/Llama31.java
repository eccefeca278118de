package org.tarpo4j.models.zoo;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ConfigException;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.hub.ModelResolver;
import org.tarpo4j.models.tokenizer.ChatTemplate;
import org.tarpo4j.models.tokenizer.Llama3Template;

import java.io.IOException;
import java.nio.file.Path;

/** Llama-3.1 models (model_type {@code llama}) from a local Hugging Face directory, or a hub id
 * taken from the Hugging Face cache or downloaded into it (see {@link CausalLm#fromPretrained(String)}). */
public final class Llama31 {
    private Llama31() {}

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
     * Loads a Llama model directory ({@link CausalLm#fromPretrained}), refusing another family.
     *
     * @param dir a Hugging Face model directory
     * @return the model
     * @throws IOException when it cannot be read; a {@code ConfigException} when its model_type is not llama
     */
    public static CausalLm fromPretrained(Path dir) throws IOException {
        ModelConfig c = ModelConfig.read(dir);
        if (c.isQwen2()) throw new ConfigException(dir.resolve("config.json") + ": model_type is '" + c.modelType() + "', not llama");
        return CausalLm.fromPretrained(dir);
    }

    /** @return Llama-3.1 Instruct's chat template */
    public static ChatTemplate chatTemplate() { return new Llama3Template(); }
}

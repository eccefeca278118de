package org.tarpo4j.models.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The parts of a Hugging Face {@code tokenizer_config.json} we use: the bos/eos/pad token strings (each a plain
 * string or an {@code {"content": ...}} object) and {@code model_max_length}.
 *
 * @param file           where they were read from, or empty when there was no config file
 * @param modelMaxLength empty when absent or when it is HF's "no limit" sentinel (a huge number such as 1e30)
 */
record TokenizerConfigJson(Optional<Path> file, Optional<String> bosToken, Optional<String> eosToken,
                           Optional<String> padToken, OptionalInt modelMaxLength) {
    static final String FILE_NAME = "tokenizer_config.json";

    /** No config file: no special tokens, no length limit. */
    static TokenizerConfigJson none() {
        return new TokenizerConfigJson(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalInt.empty());
    }

    /** Reads {@code file}; a broken file is a {@link TokenizerFormatException} naming it. */
    static TokenizerConfigJson read(Path file) throws TokenizerFormatException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw TokenizerFormatException.invalidJson(file, e);
        } catch (IOException e) {
            throw new TokenizerFormatException(file, "cannot be read: " + e, e);
        }
        if (root == null || !root.isObject()) throw new TokenizerFormatException(file, "not a JSON object");
        return new TokenizerConfigJson(Optional.of(file), token(file, root, "bos_token"), token(file, root, "eos_token"),
                token(file, root, "pad_token"), maxLength(file, root));
    }

    private static Optional<String> token(Path file, JsonNode root, String key) throws TokenizerFormatException {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) return Optional.empty();
        if (node.isTextual()) return Optional.of(node.asText());
        if (node.isObject() && node.path("content").isTextual()) return Optional.of(node.get("content").asText());
        throw new TokenizerFormatException(file, key + " is neither a string nor an object with a \"content\" string");
    }

    private static OptionalInt maxLength(Path file, JsonNode root) throws TokenizerFormatException {
        JsonNode node = root.get("model_max_length");
        if (node == null || node.isNull()) return OptionalInt.empty();
        if (!node.isNumber() || node.doubleValue() < 1) {
            throw new TokenizerFormatException(file, "model_max_length is not a positive number: " + node);
        }
        // transformers writes int(1e30) when a model sets no limit; anything beyond an int means the same
        if (node.doubleValue() > Integer.MAX_VALUE) return OptionalInt.empty();
        return OptionalInt.of(node.intValue());
    }
}

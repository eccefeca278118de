package org.tarpo4j.models.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What we check and read in a {@code tokenizer.json} before handing it to the native library: that it is one
 * complete JSON object with a {@code model} of a supported type, plus the vocabulary (model vocab and added tokens).
 * It streams the file so the large {@code merges} array is skipped, not built into a tree.
 */
final class TokenizerJson {
    /** The {@code model.type} values this project supports (those of the Rust library's models). */
    static final List<String> SUPPORTED_MODEL_TYPES = List.of("BPE", "WordPiece", "WordLevel", "Unigram");

    private static final JsonFactory JSON = new JsonFactory();

    final String modelType;
    final Vocabulary vocabulary;

    private TokenizerJson(String modelType, Vocabulary vocabulary) {
        this.modelType = modelType;
        this.vocabulary = vocabulary;
    }

    /** Validates and reads {@code file}; every problem becomes a {@link TokenizerFormatException} naming it. */
    static TokenizerJson read(Path file) throws TokenizerFormatException {
        if (!Files.exists(file)) throw new TokenizerFormatException(file, "tokenizer file not found");
        if (!Files.isRegularFile(file)) throw new TokenizerFormatException(file, "not a regular file");
        try (JsonParser p = JSON.createParser(file.toFile())) {
            return new Reader(file, p).document();
        } catch (JsonProcessingException e) {
            throw TokenizerFormatException.invalidJson(file, e);
        } catch (TokenizerFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new TokenizerFormatException(file, "cannot be read: " + e, e);
        }
    }

    /** One pass over the token stream. */
    private static final class Reader {
        private final Path file;
        private final JsonParser p;
        private final Map<Integer, String> modelVocab = new HashMap<>();
        // added_tokens usually precede model in the file, yet must win over the model vocabulary: keep them apart
        private final Map<Integer, String> added = new HashMap<>();
        private String modelType;
        private boolean hasModel;

        Reader(Path file, JsonParser p) {
            this.file = file;
            this.p = p;
        }

        TokenizerJson document() throws IOException {
            JsonToken first = p.nextToken();
            if (first == null) throw new TokenizerFormatException(file, "file is empty");
            if (first != JsonToken.START_OBJECT) {
                throw new TokenizerFormatException(file, "top level is not a JSON object (found " + first.asString() + ")");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("model")) model(value);
                else if (name.equals("added_tokens") && value == JsonToken.START_ARRAY) addedTokens();
                else p.skipChildren();
            }
            // a truncated file ends inside the object; Jackson reports that; anything after the object is an error too
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new TokenizerFormatException(file, "not valid JSON: unexpected content after the top-level object at line "
                        + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr());
            }
            if (!hasModel) throw new TokenizerFormatException(file, "no \"model\" object: not a Hugging Face tokenizer.json");
            if (modelType == null) {
                throw new TokenizerFormatException(file, "\"model.type\" is missing; expected one of " + SUPPORTED_MODEL_TYPES);
            }
            if (!SUPPORTED_MODEL_TYPES.contains(modelType)) {
                throw new TokenizerFormatException(file, "unsupported model.type \"" + modelType + "\"; supported: "
                        + SUPPORTED_MODEL_TYPES);
            }
            return new TokenizerJson(modelType, Vocabulary.of(modelVocab, added));
        }

        private void model(JsonToken start) throws IOException {
            if (start != JsonToken.START_OBJECT) throw new TokenizerFormatException(file, "\"model\" is not a JSON object");
            hasModel = true;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("type") && value == JsonToken.VALUE_STRING) modelType = p.getText();
                else if (name.equals("vocab") && value == JsonToken.START_OBJECT) mapVocab();
                else if (name.equals("vocab") && value == JsonToken.START_ARRAY) unigramVocab();
                else p.skipChildren();
            }
        }

        /** BPE, WordPiece, WordLevel: {@code {"token": id, ...}}. */
        private void mapVocab() throws IOException {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                String where = "model.vocab[\"" + token + "\"]";
                if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) throw malformed(where + " is not an integer id");
                modelVocab.put(id(where), token);
            }
        }

        /** Unigram: {@code [["piece", score], ...]}, the id being the position. */
        private void unigramVocab() throws IOException {
            int id = 0;
            while (p.nextToken() == JsonToken.START_ARRAY) {
                if (p.nextToken() != JsonToken.VALUE_STRING) throw malformed("model.vocab[" + id + "] is not [piece, score]");
                modelVocab.put(id++, p.getText());
                while (p.nextToken() != JsonToken.END_ARRAY) p.skipChildren();
            }
        }

        /** {@code [{"id": n, "content": "...", ...}, ...]}; these override the model's entry for the same id. */
        private void addedTokens() throws IOException {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                Integer id = null;
                String content = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (name.equals("id") && value == JsonToken.VALUE_NUMBER_INT) id = id("an added_tokens entry");
                    else if (name.equals("content") && value == JsonToken.VALUE_STRING) content = p.getText();
                    else p.skipChildren();
                }
                if (id == null || content == null) throw malformed("an added_tokens entry lacks an integer \"id\" or a \"content\" string");
                added.put(id, content);
            }
        }

        /** The current integer token as an id; {@code where} names it in the error. */
        private int id(String where) throws IOException {
            // checked before getIntValue(), which fails beyond an int with a message that names no field
            if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
                throw malformed(where + " has id " + p.getText() + ", which is not a token id (0 to " + Integer.MAX_VALUE + ")");
            }
            return p.getIntValue();
        }

        private TokenizerFormatException malformed(String what) {
            return new TokenizerFormatException(file, what + " (line " + p.currentLocation().getLineNr() + ")");
        }
    }
}

package org.tarpo4j.models.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer, run by the Rust {@code tokenizers} library through DJL.
 *
 * <p>Encoding never truncates or pads, whatever the length of the text. Special tokens come from
 * {@code tokenizer_config.json} beside the file, when there is one. {@link #decode} is the Rust decoder's output;
 * transformers' Python-side {@code clean_up_tokenization_spaces} is not applied.
 *
 * <p>It holds native memory: close it when done.
 */
public final class HfTokenizer implements AutoCloseable {
    /** The tokenizer file looked for when {@link #load} is given a directory. */
    public static final String TOKENIZER_JSON = "tokenizer.json";

    // DJL's defaults truncate to 512 tokens; an RL/LM pipeline must see every token
    private static final Map<String, String> DJL_OPTIONS = Map.of("truncation", "false", "padding", "false");

    private final Path path;
    private final String modelType;
    private final HuggingFaceTokenizer djl;
    private final Vocabulary vocabulary;
    private final OptionalInt bos;
    private final OptionalInt eos;
    private final OptionalInt pad;
    private final OptionalInt modelMaxLength;

    private HfTokenizer(Path path, String modelType, HuggingFaceTokenizer djl, Vocabulary vocabulary,
                        OptionalInt bos, OptionalInt eos, OptionalInt pad, OptionalInt modelMaxLength) {
        this.path = path;
        this.modelType = modelType;
        this.djl = djl;
        this.vocabulary = vocabulary;
        this.bos = bos;
        this.eos = eos;
        this.pad = pad;
        this.modelMaxLength = modelMaxLength;
    }

    /**
     * Loads a tokenizer.
     *
     * @param fileOrDirectory a {@code tokenizer.json}, or a directory that holds one; a {@code tokenizer_config.json}
     *                        in the same directory, if present, supplies the special tokens and model_max_length
     * @return the tokenizer (close it to free its native part)
     * @throws TokenizerFormatException naming the file, when it is missing, not complete JSON, lacks a {@code model},
     *                                  has an unsupported {@code model.type} (see {@link #supportedModelTypes()}), names
     *                                  a special token absent from the vocabulary, or the native library rejects it
     */
    public static HfTokenizer load(Path fileOrDirectory) throws TokenizerFormatException {
        Path file = (Files.isDirectory(fileOrDirectory) ? fileOrDirectory.resolve(TOKENIZER_JSON) : fileOrDirectory)
                .toAbsolutePath().normalize();
        TokenizerJson json = TokenizerJson.read(file);
        Path configFile = file.resolveSibling(TokenizerConfigJson.FILE_NAME);
        TokenizerConfigJson config =
                Files.exists(configFile) ? TokenizerConfigJson.read(configFile) : TokenizerConfigJson.none();
        OptionalInt bos = specialId(json.vocabulary, config, "bos_token", config.bosToken());
        OptionalInt eos = specialId(json.vocabulary, config, "eos_token", config.eosToken());
        OptionalInt pad = specialId(json.vocabulary, config, "pad_token", config.padToken());
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(file, DJL_OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerFormatException(file, "the tokenizers library rejected it: " + e.getMessage(), e);
        }
        return new HfTokenizer(file, json.modelType, tokenizer, json.vocabulary, bos, eos, pad, config.modelMaxLength());
    }

    private static OptionalInt specialId(Vocabulary vocabulary, TokenizerConfigJson config, String key,
                                         Optional<String> token) throws TokenizerFormatException {
        if (token.isEmpty()) return OptionalInt.empty();
        OptionalInt id = vocabulary.id(token.get());
        if (id.isEmpty()) {
            throw new TokenizerFormatException(config.file().orElseThrow(),
                    key + " \"" + token.get() + "\" is not in the vocabulary of " + TOKENIZER_JSON);
        }
        return id;
    }

    /** @return the {@code model.type} values {@link #load} accepts */
    public static List<String> supportedModelTypes() {
        return TokenizerJson.SUPPORTED_MODEL_TYPES;
    }

    /**
     * Token ids of {@code text}, never truncated.
     *
     * @param text             any text
     * @param addSpecialTokens apply the tokenizer's post-processor (e.g. prepend BOS); use {@code false} for text
     *                         that already contains its special tokens, such as a rendered chat template
     * @return the ids
     */
    public int[] encode(String text, boolean addSpecialTokens) {
        long[] ids;
        try {
            ids = djl.encode(text, addSpecialTokens, false).getIds();
        } catch (RuntimeException e) {
            throw unencodable(text, e);
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    /**
     * Why {@code text} could not be encoded, naming the first character the tokenizer cannot encode on its own (a
     * vocabulary without an unknown token, e.g. a character-level one, rejects it; the library only says
     * "Missing [UNK] token").
     */
    private IllegalArgumentException unencodable(String text, RuntimeException cause) {
        java.util.Set<Integer> tried = new java.util.HashSet<>();
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            int cp = text.codePointAt(i);
            if (!tried.add(cp)) continue;
            try {
                djl.encode(new String(Character.toChars(cp)), false, false);
            } catch (RuntimeException e) {
                return new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "the tokenizer cannot encode the character '%s' (U+%04X) at offset %d of the text: it is not in its "
                                + "vocabulary, which has no unknown token", new String(Character.toChars(cp)), cp, i), cause);
            }
        }
        return new IllegalArgumentException("the tokenizer could not encode the text: " + cause.getMessage(), cause);
    }

    /**
     * Text of token ids.
     *
     * @param ids               token ids
     * @param skipSpecialTokens leave out tokens marked special (e.g. {@code <|im_end|>})
     * @return the text
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        long[] longIds = new long[ids.length];
        for (int i = 0; i < ids.length; i++) longIds[i] = ids[i];
        return djl.decode(longIds, skipSpecialTokens);
    }

    /**
     * Id of a token string as it appears in the vocabulary (byte-level BPE spells a newline {@code "\u010a"}).
     *
     * @param token a vocabulary entry
     * @return its id, or empty
     */
    public OptionalInt tokenToId(String token) {
        return vocabulary.id(token);
    }

    /**
     * Token string of an id.
     *
     * @param id a token id
     * @return its vocabulary entry, empty for an id outside the vocabulary
     */
    public Optional<String> idToToken(int id) {
        return vocabulary.token(id);
    }

    /** @return number of token ids, added tokens included (Python's {@code len(tokenizer)}) */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** @return id of tokenizer_config.json's {@code bos_token}; empty when it has none (e.g. Qwen) or there is no config */
    public OptionalInt bosTokenId() {
        return bos;
    }

    /** @return id of tokenizer_config.json's {@code eos_token} */
    public OptionalInt eosTokenId() {
        return eos;
    }

    /** @return id of tokenizer_config.json's {@code pad_token} */
    public OptionalInt padTokenId() {
        return pad;
    }

    /** @return tokenizer_config.json's {@code model_max_length}, empty when absent or "unlimited" (HF's 1e30 sentinel) */
    public OptionalInt modelMaxLength() {
        return modelMaxLength;
    }

    /** @return the absolute path of the loaded {@code tokenizer.json} */
    public Path path() {
        return path;
    }

    /** @return the file's {@code model.type}: one of {@link #supportedModelTypes()} */
    public String modelType() {
        return modelType;
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        djl.close();
    }

    @Override
    public String toString() {
        return "HfTokenizer[" + path + ", " + vocabSize() + " tokens]";
    }
}

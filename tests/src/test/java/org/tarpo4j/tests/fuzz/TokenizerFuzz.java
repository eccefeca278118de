package org.tarpo4j.tests.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.models.tokenizer.TokenizerFormatException;
import org.tarpo4j.tests.ChatTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Malformed tokenizers: a valid word-level {@code tokenizer.json} (and {@code tokenizer_config.json}) truncated,
 * with a wrong or missing model type, broken vocabulary or added tokens, bad special tokens, or parts the native
 * library rejects.
 */
final class TokenizerFuzz {
    static final String CATEGORY = "tokenizer.json";
    private static final String FILE = HfTokenizer.TOKENIZER_JSON, CONFIG = "tokenizer_config.json";

    @FunctionalInterface
    private interface Mutation {
        FuzzCase make(SplittableRandom rnd, Path dir) throws IOException;
    }

    private static final List<Mutation> MUTATIONS = List.of(
            TokenizerFuzz::truncated, TokenizerFuzz::wrongModelType, TokenizerFuzz::modelTypeMissing,
            TokenizerFuzz::modelNotAnObject, TokenizerFuzz::vocabularyIdNotAnId, TokenizerFuzz::addedTokenMalformed,
            TokenizerFuzz::notATokenizerDocument, TokenizerFuzz::badTokenizerConfig, TokenizerFuzz::rejectedByTheNativeLibrary);

    private TokenizerFuzz() {}

    /** The load of the unbroken tokenizer, which must succeed (guards the generator). */
    static FuzzCase.Load unbroken(Path dir) throws IOException {
        ChatTokenizer.write(dir);
        return () -> HfTokenizer.load(dir);
    }

    static List<FuzzCase> cases(SplittableRandom rnd, Path dir, int n) throws IOException {
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path caseDir = ChatTokenizer.write(dir.resolve(String.format("case-%04d", i)));
            out.add(MUTATIONS.get(i % MUTATIONS.size()).make(rnd, caseDir));
        }
        return out;
    }

    private static FuzzCase loading(Path dir, String file, String label, String... culprits) {
        FuzzCase c = FuzzCase.of(CATEGORY, label, TokenizerFormatException.class, () -> HfTokenizer.load(dir))
                .naming(dir.getFileName() + "/" + file);
        for (String culprit : culprits) c = c.naming(culprit);
        return c;
    }

    private static void write(Path dir, ObjectNode tokenizer) throws IOException {
        Files.writeString(dir.resolve(FILE), tokenizer.toString());
    }

    private static ObjectNode model(ObjectNode tokenizer) {
        return (ObjectNode) tokenizer.get("model");
    }

    private static String anyToken(SplittableRandom rnd) {
        List<String> v = ChatTokenizer.vocabulary();
        return v.get(rnd.nextInt(ChatTokenizer.SPECIALS.size() + 1, v.size()));
    }

    private static FuzzCase truncated(SplittableRandom rnd, Path dir) throws IOException {
        String text = ChatTokenizer.tokenizerJson().toString();
        int cut = rnd.nextInt(0, text.lastIndexOf('}'));
        Files.writeString(dir.resolve(FILE), text.substring(0, cut));
        return loading(dir, FILE, "tokenizer.json cut at " + cut + " of " + text.length());
    }

    private static FuzzCase wrongModelType(SplittableRandom rnd, Path dir) throws IOException {
        String[] types = {"Tiktoken", "bpe", "wordlevel", "SentencePiece", "", "BPE ", "WordPieceX"};
        ObjectNode t = ChatTokenizer.tokenizerJson();
        model(t).put("type", types[rnd.nextInt(types.length)]);
        write(dir, t);
        return loading(dir, FILE, "model.type " + model(t).get("type"), "model.type");
    }

    private static FuzzCase modelTypeMissing(SplittableRandom rnd, Path dir) throws IOException {
        ObjectNode t = ChatTokenizer.tokenizerJson();
        switch (rnd.nextInt(3)) {
            case 0 -> model(t).remove("type");
            case 1 -> model(t).put("type", 1);
            default -> model(t).putNull("type");
        }
        write(dir, t);
        return loading(dir, FILE, "model.type " + model(t).get("type"), "model.type");
    }

    private static FuzzCase modelNotAnObject(SplittableRandom rnd, Path dir) throws IOException {
        ObjectNode t = ChatTokenizer.tokenizerJson();
        ObjectNode model = model(t);
        switch (rnd.nextInt(3)) {
            case 0 -> t.remove("model");
            case 1 -> t.put("model", "WordLevel");
            default -> t.putArray("model").add(model);
        }
        write(dir, t);
        return loading(dir, FILE, "model " + (t.has("model") ? t.get("model").getNodeType() : "missing"), "\"model\"");
    }

    private static FuzzCase vocabularyIdNotAnId(SplittableRandom rnd, Path dir) throws IOException {
        ObjectNode t = ChatTokenizer.tokenizerJson();
        String token = anyToken(rnd);
        ObjectNode vocab = (ObjectNode) model(t).get("vocab");
        switch (rnd.nextInt(6)) {
            case 0 -> vocab.put(token, "3");
            case 1 -> vocab.put(token, 3.5);
            case 2 -> vocab.put(token, -rnd.nextInt(1, 1000));
            case 3 -> vocab.put(token, 1L << rnd.nextInt(31, 62));
            case 4 -> vocab.putNull(token);
            default -> vocab.putArray(token).add(3);
        }
        write(dir, t);
        return loading(dir, FILE, "model.vocab[" + token + "] = " + vocab.get(token), "model.vocab");
    }

    private static FuzzCase addedTokenMalformed(SplittableRandom rnd, Path dir) throws IOException {
        ObjectNode t = ChatTokenizer.tokenizerJson();
        ObjectNode entry = (ObjectNode) t.get("added_tokens").get(rnd.nextInt(ChatTokenizer.SPECIALS.size()));
        switch (rnd.nextInt(5)) {
            case 0 -> entry.remove("id");
            case 1 -> entry.remove("content");
            case 2 -> entry.put("id", "1");
            case 3 -> entry.put("id", -rnd.nextInt(1, 100));
            default -> entry.put("id", 1L << rnd.nextInt(31, 62));
        }
        write(dir, t);
        return loading(dir, FILE, "added token " + entry, "added_tokens");
    }

    private static FuzzCase notATokenizerDocument(SplittableRandom rnd, Path dir) throws IOException {
        String text = ChatTokenizer.tokenizerJson().toString();
        String[] docs = {"", "[" + text + "]", "<html>404 Not Found</html>", text + " }", "{\"version\": \"1.0\"}", "null", "\"tokenizer\"",
                "{\"normalizer\": " + TensorFileSpec.nested(5000, "") + ", " + text.substring(1)};
        Files.writeString(dir.resolve(FILE), docs[rnd.nextInt(docs.length)]);
        return loading(dir, FILE, "not a tokenizer document");
    }

    private static FuzzCase badTokenizerConfig(SplittableRandom rnd, Path dir) throws IOException {
        ObjectNode c = ChatTokenizer.tokenizerConfig();
        String culprit;
        switch (rnd.nextInt(5)) {
            case 0 -> {
                culprit = List.of("bos_token", "eos_token", "pad_token").get(rnd.nextInt(3));
                c.put(culprit, "<|no_such_token_" + rnd.nextInt(1000) + "|>");
            }
            case 1 -> {
                culprit = "eos_token";
                c.put(culprit, rnd.nextInt(100));
            }
            case 2 -> {
                culprit = "model_max_length";
                if (rnd.nextBoolean()) c.put(culprit, -rnd.nextInt(0, 100));
                else c.put(culprit, "4096");
            }
            case 3 -> {
                culprit = "pad_token";
                c.putObject(culprit).put("content", 7);
            }
            default -> {
                String text = c.toString();
                Files.writeString(dir.resolve(CONFIG), text.substring(0, rnd.nextInt(0, text.length() - 1)));
                return loading(dir, CONFIG, "tokenizer_config.json cut short");
            }
        }
        Files.writeString(dir.resolve(CONFIG), c.toString());
        return loading(dir, CONFIG, "tokenizer_config.json " + culprit + " = " + c.get(culprit), culprit);
    }

    private static FuzzCase rejectedByTheNativeLibrary(SplittableRandom rnd, Path dir) throws IOException {
        ObjectNode t = ChatTokenizer.tokenizerJson();
        switch (rnd.nextInt(5)) {
            case 0 -> t.putObject("pre_tokenizer").put("type", "NoSuchPreTokenizer");
            case 1 -> model(t).put("unk_token", 7);
            case 2 -> t.putObject("decoder").put("type", "NoSuchDecoder");
            case 3 -> t.putObject("normalizer").put("type", "NoSuchNormalizer");
            default -> model(t).put("vocab", "a b c");
        }
        write(dir, t);
        return loading(dir, FILE, "a part the tokenizers library rejects");
    }
}

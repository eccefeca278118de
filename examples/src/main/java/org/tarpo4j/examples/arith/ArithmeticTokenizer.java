package org.tarpo4j.examples.arith;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded task's character-level vocabulary of 30 tokens, written as a real Hugging Face tokenizer so that the
 * model code loads it like any other ({@link HfTokenizer#load}).
 *
 * <p>Ids: {@code <pad>}=0, {@code <bos>}=1, {@code <eos>}=2, digits {@code 0-9} = 3..12, {@code + - * = , . #} and
 * space = 13..20, the letters of "Compute" = 21..27, and COCONUT's begin/end-of-thought markers {@code <bot>}=28,
 * {@code <eot>}=29 (never sampled; the continuous-thought sampler places them). The file is a {@code WordLevel} model behind a pre-tokenizer that
 * isolates every character, a {@code Fuse} decoder (decoding concatenates, no spaces added) and a post-processor that
 * prepends {@code <bos>} when special tokens are requested. A character outside the vocabulary cannot be encoded
 * (the vocabulary has no unknown token): the native library raises an error.
 */
public final class ArithmeticTokenizer {
    public static final String PAD = "<pad>";
    public static final String BOS = "<bos>";
    public static final String EOS = "<eos>";
    public static final int PAD_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;
    public static final String BOT = "<bot>";
    public static final String EOT = "<eot>";
    public static final int BOT_ID = 28;
    public static final int EOT_ID = 29;

    /** Every token, at its id. */
    public static final List<String> VOCABULARY = vocabulary();
    public static final int VOCAB_SIZE = 30;

    private ArithmeticTokenizer() {}

    private static List<String> vocabulary() {
        List<String> v = new ArrayList<>(List.of(PAD, BOS, EOS));
        for (char c = '0'; c <= '9'; c++) v.add(String.valueOf(c));
        for (char c : "+-*=,.# ".toCharArray()) v.add(String.valueOf(c));
        for (char c : "Compute".toCharArray()) v.add(String.valueOf(c));
        v.add(BOT);
        v.add(EOT);
        if (v.size() != VOCAB_SIZE) throw new AssertionError("vocabulary has " + v.size() + " tokens");
        return List.copyOf(v);
    }

    /**
     * Writes {@code tokenizer.json} and {@code tokenizer_config.json} (bos/eos/pad) into {@code dir}, creating it.
     * The output is deterministic, byte for byte.
     */
    public static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(dir.resolve(HfTokenizer.TOKENIZER_JSON).toFile(), tokenizerJson());
        json.writeValue(dir.resolve("tokenizer_config.json").toFile(), tokenizerConfig());
    }

    private static Map<String, Object> tokenizerJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        List<Map<String, Object>> added = new ArrayList<>();
        for (String special : List.of(PAD, BOS, EOS, BOT, EOT)) added.add(addedToken(VOCABULARY.indexOf(special), special));
        root.put("added_tokens", added);
        root.put("normalizer", null);
        root.put("pre_tokenizer", ordered(
                "type", "Split", "pattern", ordered("Regex", "."), "behavior", "Isolated", "invert", false));
        root.put("post_processor", bosPostProcessor());
        root.put("decoder", ordered("type", "Fuse"));
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < VOCABULARY.size(); id++) vocab.put(VOCABULARY.get(id), id);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "WordLevel");
        model.put("vocab", vocab);
        // WordLevel requires an unk_token; naming one outside the vocabulary makes unknown characters an error
        model.put("unk_token", "<unk>");
        root.put("model", model);
        return root;
    }

    private static Map<String, Object> addedToken(int id, String content) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", false);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }

    /** TemplateProcessing: {@code <bos> $A} (and {@code <bos> $A $B} for pairs). */
    private static Map<String, Object> bosPostProcessor() {
        Map<String, Object> bos = ordered("SpecialToken", ordered("id", BOS, "type_id", 0));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "TemplateProcessing");
        p.put("single", List.of(bos, ordered("Sequence", ordered("id", "A", "type_id", 0))));
        p.put("pair", List.of(bos, ordered("Sequence", ordered("id", "A", "type_id", 0)),
                ordered("Sequence", ordered("id", "B", "type_id", 1))));
        p.put("special_tokens", ordered(BOS, ordered("id", BOS, "ids", List.of(BOS_ID), "tokens", List.of(BOS))));
        return p;
    }

    /** A JSON object with its keys in the given order ({@code Map.of} iterates in a per-JVM random order). */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    private static Map<String, Object> tokenizerConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("tokenizer_class", "PreTrainedTokenizerFast");
        c.put("bos_token", BOS);
        c.put("eos_token", EOS);
        c.put("pad_token", PAD);
        c.put("clean_up_tokenization_spaces", false);
        c.put("model_max_length", 128);
        return c;
    }

    /** The model's prompt: {@code <bos>} and the problem text, e.g. {@code <bos>Compute 9*1-2.} (no chat template). */
    public static int[] promptIds(HfTokenizer tokenizer, Problem problem) {
        int[] ids = tokenizer.encode(problem.prompt(), true);
        int bos = tokenizer.bosTokenId().orElseThrow(() -> new IllegalArgumentException(tokenizer + " has no bos_token"));
        if (ids.length == 0 || ids[0] != bos) {
            throw new IllegalArgumentException(tokenizer + " does not prepend its bos_token; is it the arithmetic tokenizer?");
        }
        return ids;
    }

    /** The reference completion followed by {@code <eos>}, e.g. {@code 9*1=9, 9-2=7 #### 7<eos>}. */
    public static int[] completionIds(HfTokenizer tokenizer, Problem problem) {
        if (problem.reference() == null) throw new IllegalArgumentException("problem " + problem.id() + " has no reference");
        int eos = tokenizer.eosTokenId().orElseThrow(() -> new IllegalArgumentException(tokenizer + " has no eos_token"));
        int[] text = tokenizer.encode(problem.reference(), false);
        int[] ids = Arrays.copyOf(text, text.length + 1);
        ids[text.length] = eos;
        return ids;
    }
}

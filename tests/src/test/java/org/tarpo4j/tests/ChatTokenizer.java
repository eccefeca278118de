package org.tarpo4j.tests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.tarpo4j.rl.data.PromptBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny word-level Hugging Face tokenizer with ChatML's special tokens, so that a tiny Qwen2-shaped model can run the
 * real chat-template pipeline (system prompt included) on short sequences: a {@code WordLevel} model behind a
 * pre-tokenizer that isolates words and every other character, over the words of the default system prompt, a few
 * more, the numbers 0 to 40, punctuation, space and newline; anything else is {@code <unk>}. Decoding concatenates.
 */
public final class ChatTokenizer {
    public static final String PAD = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    /** The special tokens take ids 0, 1, 2; the others follow. */
    public static final List<String> SPECIALS = List.of(PAD, IM_START, IM_END);
    public static final int PAD_ID = 0, IM_END_ID = 2;
    public static final String UNKNOWN = "<unk>";
    private static final List<String> VOCABULARY = build();
    public static final int SIZE = VOCABULARY.size();

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatTokenizer() {}

    /** Every token, at its id. */
    public static List<String> vocabulary() {
        return VOCABULARY;
    }

    private static List<String> build() {
        Set<String> v = new LinkedHashSet<>(SPECIALS);
        v.add(UNKNOWN);
        v.add(" ");
        v.add("\n");
        for (char c : ".,?!:;'\"{}#+=-*/$()".toCharArray()) v.add(String.valueOf(c));
        for (int n = 0; n <= 40; n++) v.add(String.valueOf(n));
        v.addAll(List.of("system", "user", "assistant", "What", "is"));
        Matcher words = Pattern.compile("\\w+").matcher(PromptBuilder.DEFAULT_SYSTEM_PROMPT);
        while (words.find()) v.add(words.group());
        return List.copyOf(v);
    }

    /** The {@code tokenizer.json} document. */
    public static ObjectNode tokenizerJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < SPECIALS.size(); id++) {
            added.addObject().put("id", id).put("content", SPECIALS.get(id)).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Split").putObject("pattern").put("Regex", "\\w+|[^\\w]");
        pre.put("behavior", "Isolated").put("invert", false);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        List<String> v = vocabulary();
        for (int id = 0; id < v.size(); id++) vocab.put(v.get(id), id);
        model.put("unk_token", UNKNOWN);
        return root;
    }

    /** The {@code tokenizer_config.json} document: ChatML's end of turn as eos, end of text as pad. */
    public static ObjectNode tokenizerConfig() {
        ObjectNode c = JSON.createObjectNode();
        c.put("eos_token", IM_END);
        c.put("pad_token", PAD);
        c.put("model_max_length", 4096);
        return c;
    }

    /** Writes both files into {@code dir}, creating it; returns {@code dir}. */
    public static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("tokenizer.json").toFile(), tokenizerJson());
        JSON.writeValue(dir.resolve("tokenizer_config.json").toFile(), tokenizerConfig());
        return dir;
    }
}

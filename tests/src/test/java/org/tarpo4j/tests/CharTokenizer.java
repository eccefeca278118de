package org.tarpo4j.tests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A character-level Hugging Face tokenizer (a {@code WordLevel} model behind a pre-tokenizer that isolates every
 * character) over printable ASCII and newline, with ChatML's special tokens, so that a tiny Qwen2-shaped model can
 * run the real chat-template pipeline at a vocabulary of {@value #SIZE}.
 */
public final class CharTokenizer {
    public static final String PAD = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    /** The special tokens take ids 0, 1, 2; characters follow. */
    public static final List<String> SPECIALS = List.of(PAD, IM_START, IM_END);
    public static final int PAD_ID = 0, IM_END_ID = 2;
    public static final int SIZE = SPECIALS.size() + 1 + ('~' - ' ' + 1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private CharTokenizer() {}

    /** Every token, at its id. */
    public static List<String> vocabulary() {
        List<String> v = new ArrayList<>(SPECIALS);
        v.add("\n");
        for (char c = ' '; c <= '~'; c++) v.add(String.valueOf(c));
        return v;
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
        pre.put("type", "Split").putObject("pattern").put("Regex", "[\\s\\S]");
        pre.put("behavior", "Isolated").put("invert", false);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        List<String> v = vocabulary();
        for (int id = 0; id < v.size(); id++) vocab.put(v.get(id), id);
        // WordLevel needs an unk_token; one outside the vocabulary makes an unknown character an error
        model.put("unk_token", "<unk>");
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

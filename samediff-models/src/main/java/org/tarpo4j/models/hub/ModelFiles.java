package org.tarpo4j.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.latent.LatentHeads;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The files of a Hugging Face model directory this project reads or passes on. */
public final class ModelFiles {
    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";
    /**
     * Files beside the config and weights that are fetched when the repository has them and copied into exports:
     * generation defaults, the tokenizer in the forms {@code transformers} and vLLM read, and our latent heads.
     */
    public static final List<String> SIDE_FILES = List.of("generation_config.json", TOKENIZER, "tokenizer_config.json",
            "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt", "tokenizer.model",
            "chat_template.jinja", LatentHeads.FILE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelFiles() {}

    /** The shard file names an index maps tensors to, in first-seen order. */
    public static Set<String> shardsOf(Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new CheckpointFormatException(index + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) throw new CheckpointFormatException(index + ": no \"weight_map\" object");
        Set<String> shards = new LinkedHashSet<>();
        for (JsonNode shard : map) {
            String name = shard.asText("");
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..")) {
                throw new CheckpointFormatException(index + ": weight_map names '" + name + "', not a file beside the index");
            }
            shards.add(name);
        }
        return shards;
    }

    /** Whether {@code dir} holds a config and complete safetensors weights (the single file, or the index and its shards). */
    static boolean hasConfigAndWeights(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(CONFIG))) return false;
        Path index = dir.resolve(Checkpoint.INDEX_FILE);
        if (Files.isRegularFile(index)) {
            for (String shard : shardsOf(index)) if (!Files.isRegularFile(dir.resolve(shard))) return false;
            return true;
        }
        return Files.isRegularFile(dir.resolve(Checkpoint.SINGLE_FILE));
    }

    /** Weight files in another format than safetensors, which this project does not read. */
    static List<String> otherWeightFormats(Collection<String> files) {
        List<String> other = new ArrayList<>();
        for (String f : files) {
            if (f.contains("/")) continue;
            if (f.endsWith(".bin") || f.endsWith(".pt") || f.endsWith(".pth") || f.endsWith(".h5") || f.endsWith(".msgpack")
                    || f.endsWith(".gguf") || f.endsWith(".ckpt")) {
                other.add(f);
            }
        }
        return other;
    }
}

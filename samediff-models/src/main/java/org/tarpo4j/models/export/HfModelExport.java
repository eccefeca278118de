package org.tarpo4j.models.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.WeightLayout;
import org.tarpo4j.models.hub.ModelFiles;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.io.CheckpointWriter;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.latent.LatentHeads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes a complete Hugging Face model directory that {@code transformers} and vLLM load: {@code config.json} (the
 * source's own, every field kept, with the new {@code torch_dtype}), the weights as shards with
 * {@code model.safetensors.index.json}, the tokenizer and {@code generation_config.json}, our latent heads in
 * {@value LatentHeads#FILE}, and a README.
 */
public final class HfModelExport {
    public static final String README = "README.md";
    public static final String GENERATION_CONFIG = "generation_config.json";
    /** As {@code transformers}' {@code save_pretrained} shards by default. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HfModelExport() {}

    /**
     * Writes into {@code dir} (an empty directory; callers make the whole directory appear atomically).
     *
     * @param backbone  exactly the weights {@code config} implies
     * @param heads     latent-head parameters (router, gate), possibly empty
     * @param sourceDir where {@code config.json}, the tokenizer files and {@code generation_config.json} are copied from
     * @return the names of the files written, sorted
     */
    public static Set<String> write(Path dir, ModelConfig config, Map<String, INDArray> backbone, Map<String, INDArray> heads,
                                    Path sourceDir, SafeTensorsDType dtype, long maxShardBytes, String readme) throws IOException {
        Map<String, long[]> expected = WeightLayout.expectedShapes(config);
        if (!backbone.keySet().equals(expected.keySet())) {
            Set<String> missing = new TreeSet<>(expected.keySet());
            missing.removeAll(backbone.keySet());
            Set<String> extra = new TreeSet<>(backbone.keySet());
            extra.removeAll(expected.keySet());
            throw new IllegalArgumentException("the weights to export do not match the config: missing " + missing + ", unexpected " + extra);
        }
        writeConfig(dir.resolve(ModelFiles.CONFIG), sourceDir.resolve(ModelFiles.CONFIG), config, dtype);
        Map<String, INDArray> ordered = new LinkedHashMap<>();
        expected.keySet().forEach(name -> ordered.put(name, backbone.get(name)));
        CheckpointWriter.writeIndexed(dir, ordered, dtype, maxShardBytes);
        LatentHeads.save(dir, heads);
        for (String f : ModelFiles.SIDE_FILES) {
            Path src = sourceDir.resolve(f);
            if (!f.equals(LatentHeads.FILE) && Files.isRegularFile(src)) Files.copy(src, dir.resolve(f)); // follows cache links
        }
        if (!Files.exists(dir.resolve(GENERATION_CONFIG))) writeGenerationConfig(dir.resolve(GENERATION_CONFIG), config);
        Files.writeString(dir.resolve(README), readme, StandardCharsets.UTF_8);
        try (Stream<Path> s = Files.list(dir)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** The name {@code transformers} gives a dtype in {@code torch_dtype}; models are exported as F32, F16 or BF16. */
    public static String torchName(SafeTensorsDType dtype) {
        if (dtype != SafeTensorsDType.F32 && dtype != SafeTensorsDType.F16 && dtype != SafeTensorsDType.BF16) {
            throw new IllegalArgumentException("models are exported as F32, F16 or BF16, not " + dtype);
        }
        return dtype.torchName();
    }

    /** The source's {@code config.json} as it is (fields we do not model included), with the exported dtype. */
    private static void writeConfig(Path target, Path source, ModelConfig config, SafeTensorsDType dtype) throws IOException {
        ObjectNode json;
        if (Files.isRegularFile(source)) {
            JsonNode read = JSON.readTree(source.toFile());
            if (read == null || !read.isObject()) throw new CheckpointFormatException(source + ": expected a JSON object");
            json = (ObjectNode) read;
            if (json.has("dtype")) json.put("dtype", torchName(dtype)); // newer transformers write this name
        } else {
            json = config.toJson();
        }
        json.put("torch_dtype", torchName(dtype));
        Files.writeString(target, JSON.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
    }

    /** What {@code GenerationConfig.from_model_config} derives when a model has no generation config of its own. */
    private static void writeGenerationConfig(Path target, ModelConfig config) throws IOException {
        ObjectNode g = JSON.createObjectNode();
        g.put("_from_model_config", true);
        if (config.bosTokenId() != null) g.put("bos_token_id", config.bosTokenId());
        if (config.eosTokenIds().size() == 1) g.put("eos_token_id", config.eosTokenIds().get(0));
        else if (!config.eosTokenIds().isEmpty()) config.eosTokenIds().forEach(g.putArray("eos_token_id")::add);
        if (config.padTokenId() != null) g.put("pad_token_id", config.padTokenId());
        Files.writeString(target, JSON.writeValueAsString(g) + "\n", StandardCharsets.UTF_8);
    }
}

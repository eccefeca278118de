package org.tarpo4j.models.io;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a checkpoint directory as Hugging Face does: one {@code model.safetensors} when it fits in
 * {@code maxShardBytes}, else {@code model-0000i-of-0000N.safetensors} shards plus
 * {@code model.safetensors.index.json}. Every file carries the metadata {@code {"format": "pt"}}.
 *
 * <p>Each file is replaced atomically and the entry point (the single file or the index) is written last. The
 * other layout's entry point and shard files no longer referenced are then deleted, so the directory never holds
 * two checkpoints that readers could disagree about. Replacing a checkpoint as a whole is not atomic: a crash
 * midway can leave new shards beside the old index (which {@link Checkpoint#open} then usually rejects).
 */
public final class CheckpointWriter {
    private static final Map<String, String> METADATA = Map.of("format", "pt");
    private static final Pattern SHARD_NAME = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private CheckpointWriter() {}

    /**
     * Writes {@code tensors} (in iteration order) into {@code modelDir}, creating it if needed.
     *
     * @param dtype F32, F16 or BF16
     * @param maxShardBytes tensor bytes per shard; shards are filled greedily in order, and a tensor larger than the
     *     limit gets a shard of its own
     */
    public static void write(Path modelDir, Map<String, INDArray> tensors, SafeTensorsDType dtype, long maxShardBytes)
            throws IOException {
        write(modelDir, tensors, dtype, maxShardBytes, false);
    }

    /**
     * As {@link #write(Path, Map, SafeTensorsDType, long)}, but always as shards with an index, even a single
     * {@code model-00001-of-00001.safetensors}: loaders that glob {@code *.safetensors} (vLLM) then read only the files
     * the index names, and other safetensors files beside the model (our latent heads) are left alone.
     */
    public static void writeIndexed(Path modelDir, Map<String, INDArray> tensors, SafeTensorsDType dtype, long maxShardBytes)
            throws IOException {
        write(modelDir, tensors, dtype, maxShardBytes, true);
    }

    private static void write(Path modelDir, Map<String, INDArray> tensors, SafeTensorsDType dtype, long maxShardBytes,
                              boolean alwaysIndex) throws IOException {
        if (maxShardBytes <= 0) throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
        Files.createDirectories(modelDir);
        List<Map<String, INDArray>> shards = split(tensors, dtype, maxShardBytes);
        Path single = modelDir.resolve(Checkpoint.SINGLE_FILE);
        Path index = modelDir.resolve(Checkpoint.INDEX_FILE);
        if (shards.size() == 1 && !alwaysIndex) {
            SafeTensorsWriter.write(single, tensors, dtype, METADATA);
            Files.deleteIfExists(index);
            deleteShardsExcept(modelDir, Set.of());
            return;
        }
        Map<String, String> weightMap = new TreeMap<>(); // HF writes the weight_map sorted by name
        Set<String> shardNames = new HashSet<>();
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            String shardName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafeTensorsWriter.write(modelDir.resolve(shardName), shards.get(i), dtype, METADATA);
            shardNames.add(shardName);
            for (Map.Entry<String, INDArray> e : shards.get(i).entrySet()) {
                weightMap.put(e.getKey(), shardName);
                totalSize += e.getValue().length() * dtype.byteSize();
            }
        }
        byte[] json = indexJson(totalSize, weightMap);
        AtomicFiles.write(index, channel -> AtomicFiles.writeFully(channel, ByteBuffer.wrap(json)));
        Files.deleteIfExists(single);
        deleteShardsExcept(modelDir, shardNames);
    }

    private static List<Map<String, INDArray>> split(Map<String, INDArray> tensors, SafeTensorsDType dtype, long maxShardBytes) {
        List<Map<String, INDArray>> shards = new ArrayList<>();
        Map<String, INDArray> current = new LinkedHashMap<>();
        long currentBytes = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            long bytes = e.getValue().length() * dtype.byteSize();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new LinkedHashMap<>();
                currentBytes = 0;
            }
            current.put(e.getKey(), e.getValue());
            currentBytes += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) shards.add(current);
        return shards;
    }

    /** {@code {"metadata": {"total_size": N}, "weight_map": {...}}}, indented like Python's {@code json.dumps(indent=2)}. */
    private static byte[] indexJson(long totalSize, Map<String, String> weightMap) throws IOException {
        ObjectNode root = SafeTensorsHeader.STRICT_JSON.createObjectNode();
        root.putObject("metadata").put("total_size", totalSize);
        ObjectNode map = root.putObject("weight_map");
        weightMap.forEach(map::put);
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        return (SafeTensorsHeader.STRICT_JSON.writer(printer).writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void deleteShardsExcept(Path modelDir, Set<String> keep) throws IOException {
        List<Path> stale;
        try (Stream<Path> files = Files.list(modelDir)) {
            stale = files.filter(p -> {
                String name = p.getFileName().toString();
                return SHARD_NAME.matcher(name).matches() && !keep.contains(name);
            }).toList();
        }
        for (Path p : stale) Files.deleteIfExists(p);
    }
}

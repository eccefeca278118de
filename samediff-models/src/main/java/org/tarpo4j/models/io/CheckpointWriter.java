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
import java.util.function.Function;
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
        write(modelDir, shapesOf(tensors), tensors::get, false, dtype, maxShardBytes, false);
    }

    /**
     * As {@link #write(Path, Map, SafeTensorsDType, long)}, but always as shards with an index, even a single
     * {@code model-00001-of-00001.safetensors}: loaders that glob {@code *.safetensors} (vLLM) then read only the files
     * the index names, and other safetensors files beside the model (our latent heads) are left alone.
     */
    public static void writeIndexed(Path modelDir, Map<String, INDArray> tensors, SafeTensorsDType dtype, long maxShardBytes)
            throws IOException {
        write(modelDir, shapesOf(tensors), tensors::get, false, dtype, maxShardBytes, true);
    }

    /**
     * Writes tensors made on demand, one shard at a time, so that a checkpoint larger than memory can be written
     * (e.g. random weights of a real model's shape): {@code produce} is called for each tensor of a shard just
     * before the shard is written, and with {@code closeAfter} the arrays are closed once it is.
     *
     * @param shapes the tensors' names (in order) and shapes, which decide the shards
     */
    public static void write(Path modelDir, Map<String, long[]> shapes, Function<String, INDArray> produce, boolean closeAfter,
                             SafeTensorsDType dtype, long maxShardBytes) throws IOException {
        write(modelDir, shapes, produce, closeAfter, dtype, maxShardBytes, false);
    }

    private static Map<String, long[]> shapesOf(Map<String, INDArray> tensors) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((name, array) -> shapes.put(name, array.shape()));
        return shapes;
    }

    private static void write(Path modelDir, Map<String, long[]> shapes, Function<String, INDArray> produce, boolean closeAfter,
                              SafeTensorsDType dtype, long maxShardBytes, boolean alwaysIndex) throws IOException {
        if (maxShardBytes <= 0) throw new IllegalArgumentException("maxShardBytes must be positive: " + maxShardBytes);
        Files.createDirectories(modelDir);
        List<List<String>> shards = split(shapes, dtype, maxShardBytes);
        Path single = modelDir.resolve(Checkpoint.SINGLE_FILE);
        Path index = modelDir.resolve(Checkpoint.INDEX_FILE);
        if (shards.size() == 1 && !alwaysIndex) {
            writeShard(single, shards.get(0), produce, closeAfter, dtype);
            Files.deleteIfExists(index);
            deleteShardsExcept(modelDir, Set.of());
            return;
        }
        Map<String, String> weightMap = new TreeMap<>(); // HF writes the weight_map sorted by name
        Set<String> shardNames = new HashSet<>();
        long totalSize = 0;
        for (int i = 0; i < shards.size(); i++) {
            String shardName = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            writeShard(modelDir.resolve(shardName), shards.get(i), produce, closeAfter, dtype);
            shardNames.add(shardName);
            for (String name : shards.get(i)) {
                weightMap.put(name, shardName);
                totalSize += numel(shapes.get(name)) * dtype.byteSize();
            }
        }
        byte[] json = indexJson(totalSize, weightMap);
        AtomicFiles.write(index, channel -> AtomicFiles.writeFully(channel, ByteBuffer.wrap(json)));
        Files.deleteIfExists(single);
        deleteShardsExcept(modelDir, shardNames);
    }

    private static void writeShard(Path file, List<String> names, Function<String, INDArray> produce, boolean closeAfter,
                                   SafeTensorsDType dtype) throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        for (String name : names) tensors.put(name, produce.apply(name));
        try {
            SafeTensorsWriter.write(file, tensors, dtype, METADATA);
        } finally {
            if (closeAfter) for (INDArray a : tensors.values()) if (a.closeable()) a.close();
        }
    }

    private static List<List<String>> split(Map<String, long[]> shapes, SafeTensorsDType dtype, long maxShardBytes) {
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long bytes = numel(e.getValue()) * dtype.byteSize();
            if (!current.isEmpty() && currentBytes + bytes > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(e.getKey());
            currentBytes += bytes;
        }
        if (!current.isEmpty() || shards.isEmpty()) shards.add(current);
        return shards;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
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

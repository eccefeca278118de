package org.tarpo4j.models.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A checkpoint split over several safetensors files by a {@code model.safetensors.index.json} whose
 * {@code weight_map} maps every tensor to its shard. Opening checks that the index and the shards agree exactly.
 */
final class ShardedCheckpoint implements TensorSource {
    private static final Pattern NUMBERED_SHARD = Pattern.compile("(.+)-(\\d{1,9})-of-(\\d{1,9})(\\.safetensors)");

    private final Path index;
    private final Map<String, String> weightMap;        // tensor -> shard file name, index order
    private final Map<String, SafeTensorsFile> shards;  // shard file name -> open file

    private ShardedCheckpoint(Path index, Map<String, String> weightMap, Map<String, SafeTensorsFile> shards) {
        this.index = index;
        this.weightMap = Collections.unmodifiableMap(weightMap);
        this.shards = shards;
    }

    /** Reads the index, opens every shard it names and checks that both sides list the same tensors. */
    static ShardedCheckpoint open(Path index) throws IOException {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafeTensorsFile> shards = new LinkedHashMap<>();
        try {
            for (String shard : shardsToOpen(index, weightMap.values())) {
                Path file = index.resolveSibling(shard);
                if (!Files.isRegularFile(file)) {
                    throw new CheckpointFormatException(index + ": shard '" + shard + "' does not exist (" + file + ")");
                }
                shards.put(shard, SafeTensorsFile.open(file));
            }
            checkAgreement(index, weightMap, shards);
            return new ShardedCheckpoint(index, weightMap, shards);
        } catch (IOException | RuntimeException ex) {
            shards.values().forEach(SafeTensorsFile::close);
            throw ex;
        }
    }

    private static Map<String, String> readWeightMap(Path index) throws IOException {
        String text;
        try {
            text = Files.readString(index); // strict UTF-8
        } catch (CharacterCodingException ex) {
            throw new CheckpointFormatException(index + ": index is not valid UTF-8", ex);
        }
        JsonNode root = SafeTensorsHeader.readStrictJson(index.toString(), "index", text);
        JsonNode map = root.isObject() ? root.get("weight_map") : null;
        if (map == null || !map.isObject()) {
            throw new CheckpointFormatException(index + ": no \"weight_map\" object");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode shard = e.getValue();
            // shards must sit beside the index: no paths, so an index cannot point outside the checkpoint
            if (!shard.isTextual() || !isPlainFileName(shard.textValue())) {
                throw new CheckpointFormatException(index + ": weight_map entry '" + e.getKey() + "' -> " + shard
                        + " is not a file name in the index's directory");
            }
            weightMap.put(e.getKey(), shard.textValue());
        }
        return weightMap;
    }

    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('\\') < 0
                && name.indexOf('\0') < 0;
    }

    /**
     * The shards to open: those the weight_map names plus, for names of the form {@code <stem>-<i>-of-<n>.safetensors},
     * every member of the announced set of n, so that a shard whose tensors all dropped out of the index is still
     * opened and its tensors reported as unlisted.
     */
    private static Set<String> shardsToOpen(Path index, Collection<String> referenced) throws CheckpointFormatException {
        Set<String> shards = new LinkedHashSet<>(referenced);
        for (String shard : new ArrayList<>(shards)) {
            Matcher m = NUMBERED_SHARD.matcher(shard);
            if (!m.matches()) continue;
            int width = m.group(2).length();
            long count = Long.parseLong(m.group(3));
            if (Long.parseLong(m.group(2)) > count) {
                throw new CheckpointFormatException(index + ": shard " + shard + " is numbered beyond its set of " + count);
            }
            for (long i = 1; i <= count; i++) {
                shards.add(m.group(1) + "-" + String.format("%0" + width + "d", i) + "-of-" + m.group(3) + m.group(4));
            }
        }
        return shards;
    }

    private static void checkAgreement(Path index, Map<String, String> weightMap, Map<String, SafeTensorsFile> shards)
            throws CheckpointFormatException {
        for (Map.Entry<String, String> e : weightMap.entrySet()) {
            if (!shards.get(e.getValue()).names().contains(e.getKey())) {
                String actual = shards.entrySet().stream().filter(s -> s.getValue().names().contains(e.getKey()))
                        .map(Map.Entry::getKey).findFirst().map(s -> " (it is in " + s + ")").orElse("");
                throw new CheckpointFormatException(index + ": tensor '" + e.getKey() + "' is mapped to shard "
                        + e.getValue() + ", which does not contain it" + actual);
            }
        }
        for (Map.Entry<String, SafeTensorsFile> s : shards.entrySet()) {
            for (String name : s.getValue().names()) {
                String mapped = weightMap.get(name);
                if (mapped == null) {
                    throw new CheckpointFormatException(index + ": tensor '" + name + "' in shard " + s.getKey()
                            + " is not listed in the weight_map");
                }
                if (!mapped.equals(s.getKey())) {
                    throw new CheckpointFormatException(index + ": tensor '" + name + "' is in both shard " + mapped
                            + " (where the weight_map maps it) and shard " + s.getKey());
                }
            }
        }
    }

    private SafeTensorsFile shardOf(String name) {
        String shard = weightMap.get(name);
        if (shard == null) throw new IllegalArgumentException(index + ": no tensor '" + name + "'");
        return shards.get(shard);
    }

    @Override
    public Path location() {
        return index;
    }

    @Override
    public Set<String> names() {
        return weightMap.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        return shardOf(name).info(name);
    }

    @Override
    public Path fileOf(String name) {
        return shardOf(name).path();
    }

    @Override
    public INDArray readFloat(String name, boolean requireFinite) throws IOException {
        return shardOf(name).readFloat(name, requireFinite);
    }

    @Override
    public void close() {
        shards.values().forEach(SafeTensorsFile::close);
    }
}

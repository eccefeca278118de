package org.tarpo4j.tests.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.io.TensorSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Malformed sharded checkpoints: a valid two-shard checkpoint ({@code model.safetensors.index.json} and its shards)
 * with one thing broken: a shard missing, a tensor mapped to the wrong or to no shard, a bad index, a bad shard.
 * Each case is loaded the way a model is: {@link Checkpoint#open} then {@link Checkpoint#loadExactly}.
 */
final class ShardedIndexFuzz {
    static final String CATEGORY = "sharded index";
    static final String SHARD1 = "model-00001-of-00002.safetensors", SHARD2 = "model-00002-of-00002.safetensors";

    @FunctionalInterface
    private interface Mutation {
        FuzzCase make(SplittableRandom rnd, Sharded s) throws IOException;
    }

    private static final List<Mutation> MUTATIONS = List.of(
            ShardedIndexFuzz::missingShard, ShardedIndexFuzz::tensorInTheWrongShard, ShardedIndexFuzz::shardThatDoesNotExist,
            ShardedIndexFuzz::shardOutsideTheDirectory, ShardedIndexFuzz::tensorNotInTheIndex, ShardedIndexFuzz::indexNotJson,
            ShardedIndexFuzz::noWeightMap, ShardedIndexFuzz::shardNameNotAString, ShardedIndexFuzz::duplicateIndexKey,
            ShardedIndexFuzz::corruptShard, ShardedIndexFuzz::tensorInBothShards, ShardedIndexFuzz::numberedBeyondItsSet,
            ShardedIndexFuzz::indexNotUtf8, ShardedIndexFuzz::indexListsATensorNoShardHas);

    /** A valid two-shard checkpoint in {@code dir}, with its parts kept for editing. */
    private static final class Sharded {
        final Path dir;
        final TensorFileSpec first, second;
        final ObjectNode index = TensorFileSpec.JSON.createObjectNode();
        final Map<String, long[]> shapes = new LinkedHashMap<>();

        Sharded(SplittableRandom rnd, Path dir) throws IOException {
            this.dir = Files.createDirectories(dir);
            first = TensorFileSpec.random(rnd, "model.layers.a", TensorFileSpec.FLOATS, 1);
            second = TensorFileSpec.random(rnd, "model.layers.b", TensorFileSpec.FLOATS, 1);
            index.putObject("metadata").put("total_size", first.data.length + second.data.length);
            ObjectNode map = index.putObject("weight_map");
            for (String n : first.names()) map.put(n, SHARD1);
            for (String n : second.names()) map.put(n, SHARD2);
            shapes.putAll(first.shapes());
            shapes.putAll(second.shapes());
        }

        ObjectNode weightMap() {
            return (ObjectNode) index.get("weight_map");
        }

        Path indexFile() {
            return dir.resolve(Checkpoint.INDEX_FILE);
        }

        Sharded write() throws IOException {
            first.write(dir.resolve(SHARD1));
            second.write(dir.resolve(SHARD2));
            writeIndex(TensorFileSpec.JSON.writeValueAsString(index));
            return this;
        }

        void writeIndex(String text) throws IOException {
            Files.writeString(indexFile(), text, StandardCharsets.UTF_8);
        }

        String anyTensor(SplittableRandom rnd) {
            List<String> all = new ArrayList<>(shapes.keySet());
            return all.get(rnd.nextInt(all.size()));
        }

        /** Loading must reject it and the message must name each culprit. */
        FuzzCase loading(String label, String... culprits) {
            Map<String, long[]> expected = new LinkedHashMap<>(shapes);
            FuzzCase c = FuzzCase.of(CATEGORY, label, CheckpointFormatException.class, () -> {
                try (TensorSource src = Checkpoint.open(dir)) {
                    return Checkpoint.loadExactly(src, expected);
                }
            });
            for (String culprit : culprits) c = c.naming(culprit);
            return c;
        }
    }

    private ShardedIndexFuzz() {}

    /** The load of an unbroken checkpoint, which must succeed (guards the generator). */
    static FuzzCase.Load unbroken(SplittableRandom rnd, Path dir) throws IOException {
        Sharded s = new Sharded(rnd, dir).write();
        return s.loading("unbroken").load();
    }

    static List<FuzzCase> cases(SplittableRandom rnd, Path dir, int n) throws IOException {
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Sharded s = new Sharded(rnd, dir.resolve(String.format("case-%04d", i)));
            out.add(MUTATIONS.get(i % MUTATIONS.size()).make(rnd, s));
        }
        return out;
    }

    private static String other(String shard) {
        return shard.equals(SHARD1) ? SHARD2 : SHARD1;
    }

    private static FuzzCase missingShard(SplittableRandom rnd, Sharded s) throws IOException {
        String shard = rnd.nextBoolean() ? SHARD1 : SHARD2;
        Files.delete(s.write().dir.resolve(shard));
        return s.loading("shard " + shard + " missing", shard);
    }

    private static FuzzCase tensorInTheWrongShard(SplittableRandom rnd, Sharded s) throws IOException {
        String t = s.anyTensor(rnd);
        s.weightMap().put(t, other(s.weightMap().get(t).asText()));
        s.write();
        return s.loading("tensor " + t + " mapped to the wrong shard", "'" + t + "'");
    }

    private static FuzzCase shardThatDoesNotExist(SplittableRandom rnd, Sharded s) throws IOException {
        String t = s.anyTensor(rnd), shard = "weights-" + rnd.nextInt(1000) + ".safetensors";
        s.weightMap().put(t, shard);
        s.write();
        return s.loading("tensor " + t + " mapped to absent " + shard, shard);
    }

    private static FuzzCase shardOutsideTheDirectory(SplittableRandom rnd, Sharded s) throws IOException {
        String t = s.anyTensor(rnd);
        String[] names = {"../" + SHARD1, "sub/" + SHARD2, "", ".", "..", "/etc/passwd", "a\\b.safetensors"};
        s.weightMap().put(t, names[rnd.nextInt(names.length)]);
        s.write();
        return s.loading("tensor " + t + " mapped to " + s.weightMap().get(t), "'" + t + "'");
    }

    private static FuzzCase tensorNotInTheIndex(SplittableRandom rnd, Sharded s) throws IOException {
        String t = s.anyTensor(rnd);
        s.weightMap().remove(t);
        s.write();
        return s.loading("tensor " + t + " left out of the weight_map", "'" + t + "'");
    }

    private static FuzzCase indexNotJson(SplittableRandom rnd, Sharded s) throws IOException {
        s.write();
        String text = Files.readString(s.indexFile());
        s.writeIndex(rnd.nextBoolean() ? text.substring(0, rnd.nextInt(0, text.lastIndexOf('}'))) : "<html>404</html>");
        return s.loading("index not JSON", Checkpoint.INDEX_FILE);
    }

    private static FuzzCase noWeightMap(SplittableRandom rnd, Sharded s) throws IOException {
        s.write();
        String[] texts = {"{\"metadata\": {}}", "{\"weight_map\": [\"" + SHARD1 + "\"]}", "{\"weight_map\": \"" + SHARD1 + "\"}",
                "[" + TensorFileSpec.JSON.writeValueAsString(s.index) + "]", "{\"weight_map\": null}"};
        s.writeIndex(texts[rnd.nextInt(texts.length)]);
        return s.loading("index without a weight_map object", Checkpoint.INDEX_FILE).naming("weight_map");
    }

    private static FuzzCase shardNameNotAString(SplittableRandom rnd, Sharded s) throws IOException {
        String t = s.anyTensor(rnd);
        switch (rnd.nextInt(3)) {
            case 0 -> s.weightMap().put(t, 1);
            case 1 -> s.weightMap().putNull(t);
            default -> s.weightMap().putArray(t).add(SHARD1);
        }
        s.write();
        return s.loading("tensor " + t + " mapped to " + s.weightMap().get(t), "'" + t + "'");
    }

    private static FuzzCase duplicateIndexKey(SplittableRandom rnd, Sharded s) throws IOException {
        String t = s.anyTensor(rnd);
        s.write();
        String entry = "\"" + t + "\":\"" + s.weightMap().get(t).asText() + "\"";
        String text = TensorFileSpec.JSON.writeValueAsString(s.index);
        s.writeIndex(text.replace(entry, entry + "," + entry));
        return s.loading("tensor " + t + " twice in the weight_map", "'" + t + "'", "duplicate");
    }

    private static FuzzCase corruptShard(SplittableRandom rnd, Sharded s) throws IOException {
        TensorFileSpec broken = rnd.nextBoolean() ? s.first : s.second;
        String shard = broken == s.first ? SHARD1 : SHARD2;
        if (rnd.nextBoolean()) broken.declaredLength = (long) rnd.nextInt(1 << 20) + broken.bytes().length;
        else broken.data = Arrays.copyOf(broken.data, broken.data.length - 1);
        s.write();
        return s.loading("shard " + shard + " corrupt", shard);
    }

    private static FuzzCase tensorInBothShards(SplittableRandom rnd, Sharded s) throws IOException {
        // a tensor of the first shard also stored, under the same name, at the end of the second
        String t = s.first.names().get(rnd.nextInt(s.first.names().size()));
        ObjectNode copy = s.first.entry(t).deepCopy();
        long length = s.first.end(t) - s.first.begin(t);
        int at = s.second.data.length;
        copy.putArray("data_offsets").add(at).add(at + length);
        s.second.header.set(t, copy);
        s.second.data = Arrays.copyOf(s.second.data, at + (int) length);
        s.write();
        return s.loading("tensor " + t + " in both shards", "'" + t + "'");
    }

    private static FuzzCase numberedBeyondItsSet(SplittableRandom rnd, Sharded s) throws IOException {
        String t = s.anyTensor(rnd), shard = String.format("model-%05d-of-00002.safetensors", rnd.nextInt(3, 100));
        s.weightMap().put(t, shard);
        s.write();
        return s.loading("tensor " + t + " mapped to " + shard, shard);
    }

    private static FuzzCase indexNotUtf8(SplittableRandom rnd, Sharded s) throws IOException {
        s.write();
        byte[] text = Files.readAllBytes(s.indexFile());
        int at = 1 + rnd.nextInt(text.length - 2);
        text[at] = (byte) (0xF8 | rnd.nextInt(8)); // never valid in UTF-8
        Files.write(s.indexFile(), text);
        return s.loading("index with a byte that is not UTF-8", Checkpoint.INDEX_FILE);
    }

    private static FuzzCase indexListsATensorNoShardHas(SplittableRandom rnd, Sharded s) throws IOException {
        String ghost = "model.layers.ghost." + rnd.nextInt(100) + ".weight";
        s.weightMap().put(ghost, rnd.nextBoolean() ? SHARD1 : SHARD2);
        s.write();
        return s.loading("index maps " + ghost + ", which no shard holds", "'" + ghost + "'");
    }
}

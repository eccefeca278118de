package org.tarpo4j.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarpo4j.models.io.Arrays32.array;
import static org.tarpo4j.models.io.Arrays32.assertBitExact;
import static org.tarpo4j.models.io.Arrays32.flat;
import static org.tarpo4j.models.io.Arrays32.random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Single-file and sharded checkpoints: writing, reopening, index validation and {@code loadExactly}. */
class CheckpointTest {
    @TempDir Path dir;

    private static final String INDEX = "model.safetensors.index.json";
    private static final String SHARD1 = "model-00001-of-00002.safetensors";
    private static final String SHARD2 = "model-00002-of-00002.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** a and b (64 bytes each in F32) fill the first 128-byte shard, c (32 bytes) goes to the second. */
    private static Map<String, INDArray> threeTensors() {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("a", array(random(1, 16), 4, 4));
        t.put("b", array(random(2, 16), 16));
        t.put("c", array(random(3, 8), 2, 2, 2));
        return t;
    }

    private static Map<String, long[]> shapesOf(Map<String, INDArray> tensors) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors.forEach((k, v) -> shapes.put(k, v.shape()));
        return shapes;
    }

    private Path writeTwoShards() throws IOException {
        CheckpointWriter.write(dir, threeTensors(), SafeTensorsDType.F32, 128);
        return dir;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void editIndex(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve(INDEX).toFile());
        edit.accept(index);
        JSON.writeValue(dir.resolve(INDEX).toFile(), index);
    }

    private static ObjectNode weightMap(ObjectNode index) {
        return (ObjectNode) index.get("weight_map");
    }

    private static String assertFormatError(Executable call, String... fragments) {
        CheckpointFormatException ex = assertThrows(CheckpointFormatException.class, call);
        String m = ex.getMessage();
        for (String f : fragments) assertTrue(m.contains(f), () -> "'" + f + "' not in: " + m);
        return m;
    }

    @Test
    void smallCheckpointsAreOneFile() throws IOException {
        Map<String, INDArray> t = threeTensors();
        CheckpointWriter.write(dir, t, SafeTensorsDType.F32, 1 << 20);
        assertEquals(List.of("model.safetensors"), files());
        try (TensorSource src = Checkpoint.open(dir)) {
            assertEquals(List.of("a", "b", "c"), new ArrayList<>(src.names()));
            assertEquals(dir.resolve("model.safetensors"), src.fileOf("b"));
            Map<String, INDArray> loaded = Checkpoint.loadExactly(src, shapesOf(t));
            for (String n : t.keySet()) assertBitExact(flat(t.get(n)), t.get(n).shape(), loaded.get(n));
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve("model.safetensors"))) {
            assertEquals(Map.of("format", "pt"), f.metadata());
        }
    }

    @Test
    void twoShardsRoundTripBitExactly() throws IOException {
        Map<String, INDArray> t = threeTensors();
        writeTwoShards();
        assertEquals(List.of(SHARD1, SHARD2, INDEX), files());

        JsonNode index = JSON.readTree(dir.resolve(INDEX).toFile());
        assertEquals(160, index.get("metadata").get("total_size").asLong());
        assertEquals(SHARD1, index.get("weight_map").get("a").asText());
        assertEquals(SHARD1, index.get("weight_map").get("b").asText());
        assertEquals(SHARD2, index.get("weight_map").get("c").asText());

        try (TensorSource src = Checkpoint.open(dir)) {
            assertEquals(dir.resolve(SHARD2), src.fileOf("c"));
            assertEquals(SafeTensorsDType.F32, src.info("c").dtype());
            Map<String, INDArray> loaded = Checkpoint.loadExactly(src, shapesOf(t));
            assertEquals(List.of("a", "b", "c"), new ArrayList<>(loaded.keySet()));
            for (String n : t.keySet()) assertBitExact(flat(t.get(n)), t.get(n).shape(), loaded.get(n));
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve(SHARD2))) {
            assertEquals(Map.of("format", "pt"), f.metadata());
        }
    }

    @Test
    void shardsHoldHalfPrecisionToo() throws IOException {
        Map<String, INDArray> t = threeTensors();
        CheckpointWriter.write(dir, t, SafeTensorsDType.BF16, 64);
        try (TensorSource src = Checkpoint.open(dir)) {
            for (String n : t.keySet()) {
                assertBitExact(Arrays32.viaBf16(flat(t.get(n))), t.get(n).shape(), src.readFloat(n));
            }
        }
    }

    @Test
    void aTensorLargerThanTheLimitGetsAShardOfItsOwn() throws IOException {
        Map<String, INDArray> t = new LinkedHashMap<>();
        t.put("s1", array(random(4, 4), 4));
        t.put("big", array(random(5, 25), 25));
        t.put("s2", array(random(6, 4), 4));
        CheckpointWriter.write(dir, t, SafeTensorsDType.F32, 32);
        try (TensorSource src = Checkpoint.open(dir)) {
            assertEquals(dir.resolve("model-00001-of-00003.safetensors"), src.fileOf("s1"));
            assertEquals(dir.resolve("model-00002-of-00003.safetensors"), src.fileOf("big"));
            assertEquals(dir.resolve("model-00003-of-00003.safetensors"), src.fileOf("s2"));
            assertBitExact(flat(t.get("big")), new long[] {25}, src.readFloat("big"));
        }
    }

    @Test
    void rewritingSwitchesLayoutWithoutStaleFiles() throws IOException {
        writeTwoShards();
        CheckpointWriter.write(dir, threeTensors(), SafeTensorsDType.F32, 1 << 20);
        assertEquals(List.of("model.safetensors"), files());
        Map<String, INDArray> t = new LinkedHashMap<>(threeTensors());
        t.put("d", array(random(7, 40), 40));
        CheckpointWriter.write(dir, t, SafeTensorsDType.F32, 128);
        assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors", INDEX), files());
        try (TensorSource src = Checkpoint.open(dir)) {
            assertEquals(4, Checkpoint.loadExactly(src, shapesOf(t)).size());
        }
    }

    @Test
    void aDirectoryWithoutACheckpointIsNamed() {
        String m = assertFormatError(() -> Checkpoint.open(dir));
        assertTrue(m.contains(dir.toString()) && m.contains("model.safetensors"), m);
    }

    @Test
    void missingShardFile() throws IOException {
        writeTwoShards();
        Files.delete(dir.resolve(SHARD2));
        assertFormatError(() -> Checkpoint.open(dir), INDEX, SHARD2);
    }

    @Test
    void tensorMappedToTheWrongShard() throws IOException {
        writeTwoShards();
        editIndex(index -> weightMap(index).put("c", SHARD1));
        assertFormatError(() -> Checkpoint.open(dir), "'c'", SHARD1);
    }

    @Test
    void tensorMissingFromTheIndex() throws IOException {
        writeTwoShards();
        editIndex(index -> weightMap(index).remove("b"));
        assertFormatError(() -> Checkpoint.open(dir), "'b'", SHARD1, INDEX);
    }

    /** With c unlisted no entry names shard 2 at all; the "-of-00002" numbering still says it belongs. */
    @Test
    void shardOfTheNumberedSetNotReferenced() throws IOException {
        writeTwoShards();
        editIndex(index -> weightMap(index).remove("c"));
        assertFormatError(() -> Checkpoint.open(dir), SHARD2, INDEX);
    }

    @Test
    void tensorPresentInTwoShards() throws IOException {
        SafeTensorsWriter.write(dir.resolve(SHARD1), Map.of("x", array(random(8, 2), 2)), SafeTensorsDType.F32, Map.of());
        Map<String, INDArray> second = new LinkedHashMap<>();
        second.put("y", array(random(9, 2), 2));
        second.put("x", array(random(10, 2), 2));
        SafeTensorsWriter.write(dir.resolve(SHARD2), second, SafeTensorsDType.F32, Map.of());
        Files.writeString(dir.resolve(INDEX),
                "{\"metadata\":{},\"weight_map\":{\"x\":\"" + SHARD1 + "\",\"y\":\"" + SHARD2 + "\"}}");
        assertFormatError(() -> Checkpoint.open(dir), "'x'", SHARD1, SHARD2);
    }

    @Test
    void malformedIndexFiles() throws IOException {
        writeTwoShards();
        editIndex(index -> weightMap(index).put("a", "../elsewhere.safetensors"));
        assertFormatError(() -> Checkpoint.open(dir), INDEX, "'a'", "../elsewhere.safetensors");
        editIndex(index -> weightMap(index).put("a", 7));
        assertFormatError(() -> Checkpoint.open(dir), INDEX, "'a'");
        editIndex(index -> index.remove("weight_map"));
        assertFormatError(() -> Checkpoint.open(dir), INDEX, "weight_map");
        Files.writeString(dir.resolve(INDEX), "{\"weight_map\": {\"a\": \"" + SHARD1 + "\", \"a\": \"" + SHARD2 + "\"}}");
        assertFormatError(() -> Checkpoint.open(dir), INDEX, "'a'");
        Files.writeString(dir.resolve(INDEX), "not json");
        assertFormatError(() -> Checkpoint.open(dir), INDEX, "JSON");
        Files.write(dir.resolve(INDEX), new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
        assertFormatError(() -> Checkpoint.open(dir), INDEX, "UTF-8");
    }

    @Test
    void loadExactlyListsMissingAndUnexpectedTensors() throws IOException {
        writeTwoShards();
        Map<String, long[]> expected = shapesOf(threeTensors());
        expected.remove("c");
        expected.put("d", new long[] {3});
        expected.put("e", new long[] {3});
        try (TensorSource src = Checkpoint.open(dir)) {
            String m = assertFormatError(() -> Checkpoint.loadExactly(src, expected), "missing", "'d'", "'e'", "unexpected",
                    "'c'", SHARD2, INDEX);
            assertFalse(m.contains("'a'"), m);
        }
    }

    @Test
    void loadExactlyNamesAWrongShape() throws IOException {
        writeTwoShards();
        Map<String, long[]> expected = shapesOf(threeTensors());
        expected.put("b", new long[] {4, 4});
        try (TensorSource src = Checkpoint.open(dir)) {
            assertFormatError(() -> Checkpoint.loadExactly(src, expected), "'b'", SHARD1, "[4, 4]", "[16]");
        }
    }

    /** A tensor holding NaN would fail the finite check, so the name check must come first to be reported. */
    @Test
    void loadExactlyChecksNamesBeforeReadingData() throws IOException {
        Map<String, INDArray> t = threeTensors();
        t.get("a").putScalar(0, Float.NaN);
        CheckpointWriter.write(dir, t, SafeTensorsDType.F32, 1 << 20);
        Map<String, long[]> expected = shapesOf(t);
        try (TensorSource src = Checkpoint.open(dir)) {
            assertFormatError(() -> Checkpoint.loadExactly(src, expected, true), "'a'", "NaN");
            expected.put("zz", new long[] {1});
            String m = assertFormatError(() -> Checkpoint.loadExactly(src, expected, true), "missing", "'zz'");
            assertFalse(m.contains("NaN"), m);
        }
    }
}

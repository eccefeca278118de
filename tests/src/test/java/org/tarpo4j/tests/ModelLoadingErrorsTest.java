package org.tarpo4j.tests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ConfigException;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.tokenizer.TokenizerFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken model directories fail to load with an exception that names the culprit; nothing is half-loaded. */
class ModelLoadingErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A copy of the tiny Llama directory to damage. */
    private static Path copy(Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        Files.createDirectories(dir);
        try (var files = Files.list(TinyLlamaFixture.hfDir())) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }

    private static void assertFailsNaming(Class<? extends Exception> type, Path dir, String... mentions) {
        Exception e = assertThrows(type, () -> CausalLm.fromPretrained(dir));
        for (String m : mentions) assertTrue(e.getMessage().contains(m), "message lacks '" + m + "': " + e.getMessage());
    }

    private static void editHeader(Path file, Consumer<ObjectNode> edit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        edit.accept(header);
        byte[] h = JSON.writeValueAsBytes(header);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + bytes.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(bytes, 8 + (int) n, bytes.length - 8 - (int) n);
        Files.write(file, out.array());
    }

    private static void editConfig(Path dir, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode c = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(c);
        JSON.writeValue(dir.resolve("config.json").toFile(), c);
    }

    @Test
    void truncatedWeights(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        Path f = dir.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 100));
        assertFailsNaming(CheckpointFormatException.class, dir, "model.safetensors");
    }

    @Test
    void headerLengthPastTheEndOfFile(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        Path f = dir.resolve("model.safetensors");
        byte[] b = Files.readAllBytes(f);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length + 10L);
        Files.write(f, b);
        assertFailsNaming(CheckpointFormatException.class, dir, "model.safetensors");
    }

    @Test
    void overlappingOffsets(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        editHeader(dir.resolve("model.safetensors"), h -> {
            ObjectNode t = (ObjectNode) h.get("model.norm.weight");
            var offs = (com.fasterxml.jackson.databind.node.ArrayNode) t.get("data_offsets");
            long begin = offs.get(0).asLong();
            offs.removeAll().add(begin - 8).add(begin - 8 + 32); // same length, shifted into its neighbour
        });
        assertFailsNaming(CheckpointFormatException.class, dir, "model.safetensors");
    }

    @Test
    void dtypeSizeDisagreesWithOffsets(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        editHeader(dir.resolve("model.safetensors"), h -> ((ObjectNode) h.get("model.norm.weight")).put("dtype", "F32"));
        assertFailsNaming(CheckpointFormatException.class, dir, "model.safetensors", "model.norm.weight");
    }

    @Test
    void missingTensor(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        Path f = dir.resolve("model.safetensors");
        var src = org.tarpo4j.models.io.SafeTensorsFile.open(f);
        java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray> all = new java.util.LinkedHashMap<>();
        for (String n : src.names()) if (!n.equals("model.layers.1.mlp.up_proj.weight")) all.put(n, src.readFloat(n));
        src.close();
        org.tarpo4j.models.io.SafeTensorsWriter.write(f, all, org.tarpo4j.models.io.SafeTensorsDType.F16, java.util.Map.of());
        assertFailsNaming(CheckpointFormatException.class, dir, "model.layers.1.mlp.up_proj.weight");
    }

    @Test
    void shapeMismatchWithConfig(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        editConfig(dir, c -> c.put("intermediate_size", 48));
        assertFailsNaming(CheckpointFormatException.class, dir, "mlp.gate_proj.weight", "64");
    }

    @Test
    void unknownModelType(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        editConfig(dir, c -> c.put("model_type", "mamba"));
        assertFailsNaming(ConfigException.class, dir, "config.json", "mamba");
    }

    @Test
    void malformedTokenizer(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        Path tok = dir.resolve("tokenizer.json");
        byte[] b = Files.readAllBytes(tok);
        Files.write(tok, java.util.Arrays.copyOf(b, b.length / 2));
        assertFailsNaming(TokenizerFormatException.class, dir, "tokenizer.json");
    }

    @Test
    void headsNotDividingHiddenSize(@TempDir Path tmp) throws Exception {
        Path dir = copy(tmp);
        editConfig(dir, c -> {
            c.remove("head_dim");
            c.put("num_attention_heads", 3);
            c.put("num_key_value_heads", 3);
        });
        assertFailsNaming(ConfigException.class, dir, "config.json", "num_attention_heads");
    }
}

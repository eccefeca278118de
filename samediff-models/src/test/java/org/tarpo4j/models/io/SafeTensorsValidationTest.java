package org.tarpo4j.models.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarpo4j.models.io.RawSafeTensors.entry;
import static org.tarpo4j.models.io.RawSafeTensors.header;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every malformed file is rejected at open time with a message naming the file and, where relevant, the tensor. */
class SafeTensorsValidationTest {
    @TempDir Path dir;

    private static final String A = entry("a", "F32", "[2]", 0, 8);

    /** Opens the file, expects rejection, and checks that the message names the file and holds each fragment. */
    private static void assertRejected(Path file, String... fragments) {
        CheckpointFormatException ex = assertThrows(CheckpointFormatException.class, () -> SafeTensorsFile.open(file).close());
        String m = ex.getMessage();
        assertTrue(m.contains(file.getFileName().toString()), () -> "no file name in: " + m);
        for (String f : fragments) assertTrue(m.contains(f), () -> "'" + f + "' not in: " + m);
    }

    private Path raw(String header, int dataBytes) throws IOException {
        return RawSafeTensors.write(dir.resolve("bad.safetensors"), header, new byte[dataBytes]);
    }

    @Test
    void aValidBaselineOpens() throws IOException {
        // guards the other tests: the same builder with consistent values must be accepted
        try (SafeTensorsFile f = SafeTensorsFile.open(raw(header(A, entry("b", "F16", "[3]", 8, 14)), 14))) {
            assertTrue(f.names().contains("b"));
        }
    }

    @Test
    void truncatedData() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensorsWriter.write(good, Map.of("first", Arrays32.array(new float[4], 4), "last", Arrays32.array(new float[4], 4)),
                SafeTensorsDType.F32, Map.of());
        byte[] bytes = Files.readAllBytes(good);
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(bytes, bytes.length - 4));
        assertRejected(cut, "truncated");
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws IOException {
        assertRejected(raw(header(A), 12), "8", "12");
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        assertRejected(Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3}), "8-byte");
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        byte[] h = header(A).getBytes(StandardCharsets.UTF_8);
        assertRejected(RawSafeTensors.write(dir.resolve("long.safetensors"), 5000, h, new byte[8]), "5000");
    }

    @Test
    void absurdHeaderLengths() throws IOException {
        byte[] h = header(A).getBytes(StandardCharsets.UTF_8);
        assertRejected(RawSafeTensors.write(dir.resolve("huge.safetensors"), 200_000_000L, h, new byte[8]), "200000000");
        // 2^64 - 1 as an unsigned length: must not be read as -1
        assertRejected(RawSafeTensors.write(dir.resolve("neg.safetensors"), -1L, h, new byte[8]), "18446744073709551615");
    }

    @Test
    void headerNotJson() throws IOException {
        assertRejected(raw("this is not json", 0), "JSON");
        assertRejected(raw("{\"a\":{\"dtype\":\"F32\"", 0), "JSON");
        assertRejected(raw(header(A) + " trailing", 8), "JSON");
    }

    @Test
    void headerNotUtf8() throws IOException {
        byte[] h = {'{', '"', (byte) 0xFF, '"', ':', '1', '}', ' '};
        assertRejected(RawSafeTensors.write(dir.resolve("latin.safetensors"), h.length, h, new byte[0]), "UTF-8");
    }

    @Test
    void headerJsonNotAnObject() throws IOException {
        assertRejected(raw("[1, 2, 3]", 0), "object");
        assertRejected(raw(header("\"a\": [1, 2]"), 0), "'a'", "object");
    }

    @Test
    void unknownDtype() throws IOException {
        assertRejected(raw(header(entry("w", "F17", "[2]", 0, 8)), 8), "'w'", "dtype", "F17");
    }

    @Test
    void byteLengthDisagreesWithShapeAndDtype() throws IOException {
        assertRejected(raw(header(entry("model.layers.0.mlp.up_proj.weight", "F16", "[7, 8]", 0, 100)), 100),
                "'model.layers.0.mlp.up_proj.weight'", "data_offsets [0, 100]", "F16", "[7, 8]", "112");
    }

    @Test
    void overlappingTensors() throws IOException {
        assertRejected(raw(header(A, entry("b", "F32", "[2]", 4, 12)), 12), "'b'", "'a'", "overlap");
    }

    @Test
    void gapsAndOutOfRangeOffsets() throws IOException {
        assertRejected(raw(header(A, entry("b", "F32", "[2]", 12, 20)), 20), "'b'", "gap");
        assertRejected(raw(header(entry("late", "F32", "[2]", 4, 12)), 12), "'late'", "gap");
        assertRejected(raw(header(A, entry("far", "F32", "[2]", 8, 16)), 8), "'far'", "truncated");
        assertRejected(raw(header(entry("back", "F32", "[0]", 8, 0)), 8), "'back'", "data_offsets");
    }

    @Test
    void malformedShapesAndOffsets() throws IOException {
        assertRejected(raw(header(entry("neg", "F32", "[-1, 2]", 0, 8)), 8), "'neg'", "shape");
        assertRejected(raw(header(entry("frac", "F32", "[1.5]", 0, 8)), 8), "'frac'", "shape");
        assertRejected(raw(header(entry("str", "F32", "\"2\"", 0, 8)), 8), "'str'", "shape");
        assertRejected(raw(header(entry("big", "F32", "[4294967296, 4294967296]", 0, 8)), 8), "'big'", "overflow");
        assertRejected(raw(header("\"three\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}"), 8),
                "'three'", "data_offsets");
        assertRejected(raw(header("\"noshape\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}"), 8), "'noshape'", "shape");
        assertRejected(raw(header("\"extra\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}"), 8),
                "'extra'", "'x'");
    }

    @Test
    void duplicateTensorNames() throws IOException {
        assertRejected(raw(header(A, entry("a", "F32", "[2]", 8, 16)), 16), "'a'", "duplicate");
    }

    @Test
    void malformedMetadata() throws IOException {
        assertRejected(raw(header("\"__metadata__\":{\"format\":1}", A), 8), "__metadata__", "format");
        assertRejected(raw(header("\"__metadata__\":[\"pt\"]", A), 8), "__metadata__");
    }
}

package org.tarpo4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tarpo4j.models.io.Arrays32.array;
import static org.tarpo4j.models.io.Arrays32.assertBitExact;
import static org.tarpo4j.models.io.Arrays32.flat;
import static org.tarpo4j.models.io.Arrays32.random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Write-then-read round trips through real files, plus the reader's float conversions and options. */
class SafeTensorsRoundTripTest {
    @TempDir Path dir;

    private static final float[] SPECIALS = {0f, -0f, 1f, -2f, 0.5f, 65504f, 0x1p-24f, -3.140625f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    private static float[] withSpecials(float[] specials, long seed, int total) {
        float[] v = random(seed, total);
        System.arraycopy(specials, 0, v, 0, specials.length);
        return v;
    }

    @Test
    void f32IsBitExact() throws IOException {
        float[] v = withSpecials(new float[] {0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f}, 1, 2 * 3 * 5);
        Path file = dir.resolve("f32.safetensors");
        SafeTensorsWriter.write(file, Map.of("w", array(v, 2, 3, 5)), SafeTensorsDType.F32, Map.of());
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            TensorInfo info = f.info("w");
            assertEquals(SafeTensorsDType.F32, info.dtype());
            assertArrayEquals(new long[] {2, 3, 5}, info.shape());
            assertEquals(30, info.numel());
            assertEquals(120, info.end() - info.begin());
            assertBitExact(v, new long[] {2, 3, 5}, f.readFloat("w"));
        }
    }

    @Test
    void f16StoresExactValuesExactlyAndRoundsOthersLikeTheReference() throws IOException {
        float[] v = withSpecials(SPECIALS, 2, 64 * 3);
        Path file = dir.resolve("f16.safetensors");
        SafeTensorsWriter.write(file, Map.of("w", array(v, 64, 3)), SafeTensorsDType.F16, Map.of());
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(SafeTensorsDType.F16, f.info("w").dtype());
            float[] got = flat(f.readFloat("w"));
            for (int i = 0; i < SPECIALS.length; i++) {
                assertEquals(Float.floatToRawIntBits(SPECIALS[i]), Float.floatToRawIntBits(got[i]), "value " + SPECIALS[i]);
            }
            assertBitExact(Arrays32.viaF16(v), new long[] {64, 3}, f.readFloat("w"));
        }
        assertEquals(0x3C00, dataShort(file, 4) & 0xFFFF, "1.0 (element 2) stored as 0x3C00, little-endian");
    }

    @Test
    void bf16StoresExactValuesExactlyAndRoundsOthersLikeTheReference() throws IOException {
        float[] specials = {1f, 0f, -0f, -2f, 0.5f, 3.140625f, 0x1p-100f, 0x1p100f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        float[] v = withSpecials(specials, 3, 7 * 11);
        Path file = dir.resolve("bf16.safetensors");
        SafeTensorsWriter.write(file, Map.of("w", array(v, 7, 11)), SafeTensorsDType.BF16, Map.of());
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            float[] got = flat(f.readFloat("w"));
            for (int i = 0; i < specials.length; i++) {
                assertEquals(Float.floatToRawIntBits(specials[i]), Float.floatToRawIntBits(got[i]), "value " + specials[i]);
            }
            assertBitExact(Arrays32.viaBf16(v), new long[] {7, 11}, f.readFloat("w"));
        }
        assertEquals(0x3F80, dataShort(file, 0) & 0xFFFF, "1.0 stored as 0x3F80, little-endian");
    }

    @Test
    void headerIsPaddedOrderedAndKeepsMetadata() throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("zeta", array(random(4, 3), 3));
        tensors.put("alpha", array(random(5, 6), 2, 3));
        tensors.put("mid", array(random(6, 1), 1));
        Map<String, String> meta = Map.of("format", "pt", "note", "héllo ✓");
        Path file = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(file, tensors, SafeTensorsDType.F32, meta);

        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length is a multiple of 8");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.length() - header.strip().length() < 8, "padding is fewer than 8 spaces");
        assertTrue(header.startsWith("{") && header.strip().endsWith("}"), header);

        JsonNode json = new ObjectMapper().readTree(header);
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("__metadata__", "zeta", "alpha", "mid"), keys);
        assertEquals("[0,12]", json.get("zeta").get("data_offsets").toString());
        assertEquals("[12,36]", json.get("alpha").get("data_offsets").toString());
        assertEquals("[36,40]", json.get("mid").get("data_offsets").toString());
        assertEquals(8 + n + 40, bytes.length);

        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(List.of("zeta", "alpha", "mid"), new ArrayList<>(f.names()));
            assertEquals(meta, f.metadata());
            assertEquals(file, f.path());
            for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
                assertBitExact(flat(e.getValue()), e.getValue().shape(), f.readFloat(e.getKey()));
            }
        }
    }

    @Test
    void perTensorDtypesAreHonoured() throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        float[] v = random(7, 10);
        for (String name : List.of("a.f32", "b.f16", "c.bf16")) tensors.put(name, array(v, 10));
        Path file = dir.resolve("mixed.safetensors");
        SafeTensorsWriter.write(file, tensors,
                name -> name.endsWith("f32") ? SafeTensorsDType.F32 : name.endsWith("bf16") ? SafeTensorsDType.BF16 : SafeTensorsDType.F16,
                Map.of());
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(SafeTensorsDType.F32, f.info("a.f32").dtype());
            assertEquals(SafeTensorsDType.F16, f.info("b.f16").dtype());
            assertEquals(SafeTensorsDType.BF16, f.info("c.bf16").dtype());
            assertEquals(40, f.info("b.f16").begin());
            assertEquals(60, f.info("c.bf16").begin());
            assertBitExact(v, new long[] {10}, f.readFloat("a.f32"));
            assertBitExact(Arrays32.viaF16(v), new long[] {10}, f.readFloat("b.f16"));
            assertBitExact(Arrays32.viaBf16(v), new long[] {10}, f.readFloat("c.bf16"));
        }
    }

    @Test
    void scalarsEmptyTensorsAndViewsKeepTheirLogicalLayout() throws IOException {
        INDArray base = array(random(8, 12), 3, 4);
        INDArray transposed = base.transpose();              // a non-contiguous view
        INDArray fOrder = base.dup('f');                      // same values, Fortran layout
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("scalar", Nd4j.scalar(2.5f));
        tensors.put("empty", Nd4j.create(DataType.FLOAT, 0, 3));
        tensors.put("transposed", transposed);
        tensors.put("forder", fOrder);
        tensors.put("double", base.castTo(DataType.DOUBLE));
        Path file = dir.resolve("layouts.safetensors");
        SafeTensorsWriter.write(file, tensors, SafeTensorsDType.F32, Map.of());
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            INDArray scalar = f.readFloat("scalar");
            assertEquals(0, scalar.rank());
            assertEquals(2.5f, scalar.getFloat(0));
            assertArrayEquals(new long[0], f.info("scalar").shape());
            INDArray empty = f.readFloat("empty");
            assertArrayEquals(new long[] {0, 3}, empty.shape());
            assertEquals(0, empty.length());
            assertEquals(f.info("empty").begin(), f.info("empty").end());
            assertBitExact(flat(transposed), new long[] {4, 3}, f.readFloat("transposed"));
            assertBitExact(flat(base), new long[] {3, 4}, f.readFloat("forder"));
            assertBitExact(flat(base), new long[] {3, 4}, f.readFloat("double"));
        }
    }

    @Test
    void overwritingReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", array(random(9, 4), 4)), SafeTensorsDType.F32, Map.of());
        float[] second = random(10, 6);
        SafeTensorsWriter.write(file, Map.of("b", array(second, 2, 3)), SafeTensorsDType.F32, Map.of());
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(List.of("b"), new ArrayList<>(f.names()));
            assertBitExact(second, new long[] {2, 3}, f.readFloat("b"));
        }
        byte[] before = Files.readAllBytes(file);
        Map<String, INDArray> bad = new LinkedHashMap<>();
        bad.put("ok", array(random(11, 2), 2));
        bad.put("ints", Nd4j.create(DataType.INT, 2));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsWriter.write(file, bad, SafeTensorsDType.F32, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsWriter.write(file, Map.of("a", array(random(12, 2), 2)), SafeTensorsDType.I64, Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsWriter.write(file, Map.of("__metadata__", array(random(12, 2), 2)), SafeTensorsDType.F32, Map.of()));
        assertArrayEquals(before, Files.readAllBytes(file), "a failed write leaves the old file untouched");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left behind");
        }
    }

    /** Odd offsets (after a 3-byte I8 tensor): every type is read bit-exactly from an unaligned position. */
    @Test
    void readsAtOddOffsetsAreBitExact() throws IOException {
        float[] f32 = random(13, 37);
        short[] f16 = new short[11];
        short[] bf16 = new short[13];
        for (int i = 0; i < f16.length; i++) f16[i] = HalfFloats.floatToF16(f32[i]);
        for (int i = 0; i < bf16.length; i++) bf16[i] = HalfFloats.floatToBf16(f32[i + 1]);
        double[] f64 = {0.1, -1e-3, 12345.678, Math.PI, -0.0};
        long a = 3, b = a + 4 * 37, c = b + 2 * 11, d = c + 2 * 13, e = d + 8 * 5;
        String header = RawSafeTensors.header(
                RawSafeTensors.entry("bytes", "I8", "[3]", 0, a),
                RawSafeTensors.entry("f32", "F32", "[37]", a, b),
                RawSafeTensors.entry("f16", "F16", "[11]", b, c),
                RawSafeTensors.entry("bf16", "BF16", "[13]", c, d),
                RawSafeTensors.entry("f64", "F64", "[5]", d, e));
        byte[] data = RawSafeTensors.concat(new byte[] {1, 2, 3}, RawSafeTensors.f32(f32),
                RawSafeTensors.u16(f16), RawSafeTensors.u16(bf16), RawSafeTensors.f64(f64));
        Path file = RawSafeTensors.write(dir.resolve("odd.safetensors"), header, data);

        float[] expectF16 = new float[11], expectBf16 = new float[13], expectF64 = new float[5];
        for (int i = 0; i < 11; i++) expectF16[i] = HalfFloats.f16ToFloat(f16[i]);
        for (int i = 0; i < 13; i++) expectBf16[i] = HalfFloats.bf16ToFloat(bf16[i]);
        for (int i = 0; i < 5; i++) expectF64[i] = (float) f64[i];
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertBitExact(f32, new long[] {37}, f.readFloat("f32"));
            assertBitExact(expectF16, new long[] {11}, f.readFloat("f16"));
            assertBitExact(expectBf16, new long[] {13}, f.readFloat("bf16"));
            assertBitExact(expectF64, new long[] {5}, f.readFloat("f64"));
        }
    }

    @Test
    void readFloatRejectsNonFloatDtypesAndUnknownNames() throws IOException {
        Path file = RawSafeTensors.write(dir.resolve("ints.safetensors"),
                RawSafeTensors.header(RawSafeTensors.entry("ids", "I64", "[2]", 0, 16)), new byte[16]);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertEquals(SafeTensorsDType.I64, f.info("ids").dtype());
            CheckpointFormatException ex = assertThrows(CheckpointFormatException.class, () -> f.readFloat("ids"));
            assertTrue(ex.getMessage().contains("ints.safetensors") && ex.getMessage().contains("'ids'")
                    && ex.getMessage().contains("I64") && ex.getMessage().contains("not a float type"), ex.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> f.readFloat("nope"));
            assertTrue(unknown.getMessage().contains("'nope'") && unknown.getMessage().contains("ints.safetensors"));
        }
    }

    @Test
    void requireFiniteNamesTheTensorAndTheFirstBadIndex() throws IOException {
        float[] v = random(14, 12);
        v[1 * 4 + 2] = Float.NaN;
        v[2 * 4 + 3] = Float.POSITIVE_INFINITY;
        Path file = dir.resolve("nan.safetensors");
        SafeTensorsWriter.write(file, Map.of("layer.w", array(v, 3, 4)), SafeTensorsDType.BF16, Map.of());
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertTrue(Float.isNaN(f.readFloat("layer.w").getFloat(1, 2)), "without the option NaN is returned");
            CheckpointFormatException ex = assertThrows(CheckpointFormatException.class, () -> f.readFloat("layer.w", true));
            String m = ex.getMessage();
            assertTrue(m.contains("nan.safetensors") && m.contains("'layer.w'") && m.contains("[1, 2]") && m.contains("NaN"), m);
        }
    }

    @Test
    void f64IsNarrowedAndOverflowCountsAsNonFinite() throws IOException {
        Path file = RawSafeTensors.write(dir.resolve("f64.safetensors"),
                RawSafeTensors.header(RawSafeTensors.entry("d", "F64", "[3]", 0, 24)),
                RawSafeTensors.f64(0.1, 1e300, -7.25));
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            assertBitExact(new float[] {0.1f, Float.POSITIVE_INFINITY, -7.25f}, new long[] {3}, f.readFloat("d"));
            CheckpointFormatException ex = assertThrows(CheckpointFormatException.class, () -> f.readFloat("d", true));
            assertTrue(ex.getMessage().contains("[1]") && ex.getMessage().contains("'d'"), ex.getMessage());
        }
    }

    @Test
    void closedFilesRefuseToRead() throws IOException {
        Path file = dir.resolve("c.safetensors");
        SafeTensorsWriter.write(file, Map.of("a", array(random(15, 2), 2)), SafeTensorsDType.F32, Map.of());
        SafeTensorsFile f = SafeTensorsFile.open(file);
        f.close();
        assertThrows(IllegalStateException.class, () -> f.readFloat("a"));
    }

    /** The little-endian 16-bit value at {@code byteOffset} into the data buffer. */
    private static short dataShort(Path file, int byteOffset) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        return b.getShort((int) (8 + n + byteOffset));
    }
}

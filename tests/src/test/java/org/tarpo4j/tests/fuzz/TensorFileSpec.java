package org.tarpo4j.tests.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.models.io.SafeTensorsDType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A safetensors file as editable parts (header tree, data bytes, length prefix), generated valid and then broken one
 * part at a time by the fuzzers.
 */
final class TensorFileSpec {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<SafeTensorsDType> FLOATS = List.of(SafeTensorsDType.F32, SafeTensorsDType.F16, SafeTensorsDType.BF16,
            SafeTensorsDType.F64);
    static final List<SafeTensorsDType> ANY = List.of(SafeTensorsDType.F32, SafeTensorsDType.F16, SafeTensorsDType.BF16,
            SafeTensorsDType.F64, SafeTensorsDType.I32, SafeTensorsDType.I64, SafeTensorsDType.U8, SafeTensorsDType.I8);

    /** Tensor name → {dtype, shape, data_offsets}, in header order. */
    final ObjectNode header;
    /** The data buffer. */
    byte[] data;
    /** The 8-byte length prefix; null: the true header length. */
    Long declaredLength;
    /** Header bytes written instead of the serialised {@link #header}; null: the serialised header. */
    byte[] rawHeader;

    private TensorFileSpec(ObjectNode header, byte[] data) {
        this.header = header;
        this.data = data;
    }

    /** One to five tensors named {@code prefix.N.weight} with small random shapes and finite values, tiling the data. */
    static TensorFileSpec random(SplittableRandom rnd, String prefix, List<SafeTensorsDType> dtypes, int minTensors) {
        ObjectNode header = JSON.createObjectNode();
        ByteBuffer data = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int n = rnd.nextInt(minTensors, Math.max(minTensors, 5) + 1);
        for (int i = 0; i < n; i++) {
            SafeTensorsDType dtype = dtypes.get(rnd.nextInt(dtypes.size()));
            int rank = rnd.nextInt(1, 4);
            long[] shape = new long[rank];
            long numel = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = rnd.nextInt(1, 7);
                numel *= shape[d];
            }
            int begin = data.position();
            for (long k = 0; k < numel; k++) putFinite(data, dtype, rnd);
            ObjectNode entry = header.putObject(prefix + "." + i + ".weight");
            entry.put("dtype", dtype.hfName());
            ArrayNode s = entry.putArray("shape");
            for (long d : shape) s.add(d);
            entry.putArray("data_offsets").add(begin).add(data.position());
        }
        byte[] bytes = new byte[data.position()];
        data.flip().get(bytes);
        return new TensorFileSpec(header, bytes);
    }

    private static void putFinite(ByteBuffer b, SafeTensorsDType dtype, SplittableRandom rnd) {
        float v = (float) (rnd.nextDouble() * 4 - 2);
        switch (dtype) {
            case F32 -> b.putFloat(v);
            case F64 -> b.putDouble(v);
            // random finite half-precision patterns: any exponent but all ones
            case F16 -> b.putShort((short) ((rnd.nextInt(2) << 15) | (rnd.nextInt(31) << 10) | rnd.nextInt(1 << 10)));
            case BF16 -> b.putShort((short) ((rnd.nextInt(2) << 15) | (rnd.nextInt(255) << 7) | rnd.nextInt(1 << 7)));
            default -> {
                byte[] raw = new byte[dtype.byteSize()];
                for (int i = 0; i < raw.length; i++) raw[i] = (byte) rnd.nextInt(256);
                b.put(raw);
            }
        }
    }

    List<String> names() {
        List<String> out = new ArrayList<>();
        header.fieldNames().forEachRemaining(n -> { if (!n.equals("__metadata__")) out.add(n); });
        return out;
    }

    /** Names in data order (by begin offset). */
    List<String> namesByOffset() {
        List<String> out = new ArrayList<>(names());
        out.sort(Comparator.comparingLong(this::begin));
        return out;
    }

    ObjectNode entry(String name) {
        return (ObjectNode) header.get(name);
    }

    SafeTensorsDType dtype(String name) {
        return SafeTensorsDType.valueOf(entry(name).get("dtype").asText());
    }

    long[] shape(String name) {
        ArrayNode s = (ArrayNode) entry(name).get("shape");
        long[] out = new long[s.size()];
        for (int i = 0; i < out.length; i++) out[i] = s.get(i).asLong();
        return out;
    }

    long begin(String name) {
        return entry(name).get("data_offsets").get(0).asLong();
    }

    long end(String name) {
        return entry(name).get("data_offsets").get(1).asLong();
    }

    void setOffsets(String name, long begin, long end) {
        ((ArrayNode) entry(name).get("data_offsets")).removeAll().add(begin).add(end);
    }

    /** Every tensor's shape, as {@code loadExactly} expects them. */
    Map<String, long[]> shapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String n : names()) out.put(n, shape(n));
        return out;
    }

    byte[] headerBytes() {
        if (rawHeader != null) return rawHeader;
        try {
            return JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's bytes: length prefix, header, data. */
    byte[] bytes() {
        byte[] h = headerBytes();
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength != null ? declaredLength : h.length).put(h).put(data);
        return b.array();
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    /** {@code depth} nested JSON arrays around {@code inner}: deeper than parsers accept. */
    static String nested(int depth, String inner) {
        return "[".repeat(depth) + inner + "]".repeat(depth);
    }

    /** The serialised header as text, for edits a JSON tree cannot hold (duplicate keys). */
    String headerText() {
        return new String(headerBytes(), StandardCharsets.UTF_8);
    }
}

package org.tarpo4j.models.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses and fully validates a safetensors JSON header, with the checks of the reference Rust implementation:
 * bounded length, strict UTF-8 and JSON (no duplicate keys, no trailing tokens), known dtypes, byte lengths equal to
 * shape × dtype size, and tensors that tile the data buffer exactly (contiguous, non-overlapping, fully covering).
 */
final class SafeTensorsHeader {
    /** The reference implementation's cap on the header length. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    static final ObjectMapper STRICT_JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final Set<String> ENTRY_FIELDS = Set.of("dtype", "shape", "data_offsets");

    private final String file;
    final Map<String, TensorInfo> tensors;
    final Map<String, String> metadata;

    private SafeTensorsHeader(String file, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Checks the 8-byte length prefix (read as unsigned) against the cap and the file size.
     *
     * @return the header length, which then fits an int
     */
    static int checkLength(String file, long declared, long fileSize) throws CheckpointFormatException {
        if (fileSize < 8) {
            throw new CheckpointFormatException(file + ": file is " + fileSize + " bytes, shorter than the 8-byte header length prefix");
        }
        if (Long.compareUnsigned(declared, MAX_HEADER_BYTES) > 0) {
            throw new CheckpointFormatException(file + ": header length " + Long.toUnsignedString(declared)
                    + " exceeds the " + MAX_HEADER_BYTES + "-byte limit");
        }
        if (8 + declared > fileSize) {
            throw new CheckpointFormatException(file + ": header length " + declared + " runs past the end of the file ("
                    + fileSize + " bytes)");
        }
        return (int) declared;
    }

    /** Parses {@code header} and validates it against a data buffer of {@code dataLength} bytes. */
    static SafeTensorsHeader parse(String file, byte[] header, long dataLength) throws CheckpointFormatException {
        JsonNode root = readStrictJson(file, "header", decodeUtf8(file, header));
        if (!root.isObject()) {
            throw new CheckpointFormatException(file + ": header JSON is " + describe(root) + ", not an object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, e.getValue());
            } else {
                tensors.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue(), dataLength));
            }
        }
        checkTiling(file, tensors.values(), dataLength);
        return new SafeTensorsHeader(file, tensors, metadata);
    }

    /** The tensor's entry, or an {@link IllegalArgumentException} naming the file: asking for a wrong name is a caller bug. */
    TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) throw new IllegalArgumentException(file + ": no tensor '" + name + "'");
        return info;
    }

    /** Parses JSON with duplicate keys and trailing content rejected; {@code what} names the document in errors. */
    static JsonNode readStrictJson(String file, String what, String text) throws CheckpointFormatException {
        try {
            return STRICT_JSON.readTree(text);
        } catch (JsonProcessingException ex) {
            String detail = ex.getOriginalMessage();
            if (detail.startsWith("Duplicate field ")) {
                throw new CheckpointFormatException(file + ": " + what + " has a duplicate key "
                        + detail.substring("Duplicate field ".length()) + " (keys must be unique)", ex);
            }
            throw new CheckpointFormatException(file + ": " + what + " is not valid JSON: " + detail, ex);
        }
    }

    private static String decodeUtf8(String file, byte[] header) throws CheckpointFormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException ex) {
            throw new CheckpointFormatException(file + ": header is not valid UTF-8", ex);
        }
    }

    private static Map<String, String> parseMetadata(String file, JsonNode node) throws CheckpointFormatException {
        if (!node.isObject()) {
            throw new CheckpointFormatException(file + ": " + METADATA_KEY + " is " + describe(node) + ", not an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new CheckpointFormatException(file + ": " + METADATA_KEY + " value for '" + e.getKey() + "' is "
                        + describe(e.getValue()) + ", not a string");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return metadata;
    }

    private static TensorInfo parseEntry(String file, String name, JsonNode node, long dataLength)
            throws CheckpointFormatException {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) throw new CheckpointFormatException(where + ": entry is " + describe(node) + ", not an object");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!ENTRY_FIELDS.contains(field)) throw new CheckpointFormatException(where + ": unknown field '" + field + "'");
        }
        SafeTensorsDType dtype = parseDtype(where, required(where, node, "dtype"));
        long[] shape = nonNegativeLongs(where, "shape", required(where, node, "shape"), -1);
        long[] offsets = nonNegativeLongs(where, "data_offsets", required(where, node, "data_offsets"), 2);
        long begin = offsets[0], end = offsets[1];
        if (end < begin) {
            throw new CheckpointFormatException(where + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        long needed = byteLength(where, dtype, shape);
        if (end - begin != needed) {
            throw new CheckpointFormatException(where + ": data_offsets [" + begin + ", " + end + "] but dtype " + dtype
                    + " × shape " + Arrays.toString(shape) + " needs " + needed + " bytes");
        }
        if (end > dataLength) {
            throw new CheckpointFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] extend past the end of the data buffer (" + dataLength + " bytes): the file is truncated");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static JsonNode required(String where, JsonNode entry, String field) throws CheckpointFormatException {
        JsonNode value = entry.get(field);
        if (value == null) throw new CheckpointFormatException(where + ": missing field '" + field + "'");
        return value;
    }

    private static SafeTensorsDType parseDtype(String where, JsonNode node) throws CheckpointFormatException {
        if (!node.isTextual()) throw new CheckpointFormatException(where + ": dtype is " + describe(node) + ", not a string");
        return SafeTensorsDType.fromHfName(node.textValue()).orElseThrow(() ->
                new CheckpointFormatException(where + ": unknown dtype '" + node.textValue() + "'"));
    }

    /** A JSON array of non-negative integers that fit a long; {@code length} -1 means any length. */
    private static long[] nonNegativeLongs(String where, String field, JsonNode node, int length)
            throws CheckpointFormatException {
        String expected = length < 0 ? "an array of non-negative integers" : "an array of " + length + " non-negative integers";
        if (!node.isArray() || (length >= 0 && node.size() != length)) {
            throw new CheckpointFormatException(where + ": " + field + " " + node + " is not " + expected);
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new CheckpointFormatException(where + ": " + field + " " + node + " is not " + expected);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static long byteLength(String where, SafeTensorsDType dtype, long[] shape) throws CheckpointFormatException {
        try {
            long n = dtype.byteSize();
            for (long d : shape) n = Math.multiplyExact(n, d);
            return n;
        } catch (ArithmeticException ex) {
            throw new CheckpointFormatException(where + ": shape " + Arrays.toString(shape) + " × dtype " + dtype
                    + " overflows a 64-bit byte count");
        }
    }

    /** Tensors sorted by offset must tile [0, dataLength) exactly, as the reference implementation requires. */
    private static void checkTiling(String file, Iterable<TensorInfo> tensors, long dataLength) throws CheckpointFormatException {
        List<TensorInfo> sorted = new ArrayList<>();
        tensors.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            String where = file + ": tensor '" + t.name() + "': data_offsets [" + t.begin() + ", " + t.end() + "]";
            if (t.begin() < covered) {
                throw new CheckpointFormatException(where + " overlap tensor '" + previous.name() + "' ["
                        + previous.begin() + ", " + previous.end() + "]");
            }
            if (t.begin() > covered) {
                throw new CheckpointFormatException(where + " leave a gap at bytes [" + covered + ", " + t.begin() + ") "
                        + (previous == null ? "at the start of the data buffer" : "after tensor '" + previous.name() + "'"));
            }
            covered = t.end();
            previous = t;
        }
        if (covered != dataLength) {
            throw new CheckpointFormatException(file + ": the data buffer has " + dataLength + " bytes but the tensors cover only "
                    + covered + " (trailing bytes)");
        }
    }

    private static String describe(JsonNode node) {
        if (node.isMissingNode()) return "empty";
        String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
        return (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type + " (" + abbreviate(node.toString()) + ")";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}

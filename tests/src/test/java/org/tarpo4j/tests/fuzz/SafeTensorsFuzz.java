package org.tarpo4j.tests.fuzz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Malformed single safetensors files: each case starts from a random valid file and breaks exactly one thing (the
 * length prefix, the header's JSON, a dtype, a shape, the offsets, the data length, a name, a value). Every case is
 * invalid by construction, so acceptance is a failure.
 */
final class SafeTensorsFuzz {
    static final String CATEGORY = "safetensors";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @FunctionalInterface
    private interface Mutation {
        FuzzCase make(SplittableRandom rnd, Path file) throws IOException;
    }

    private static final List<Mutation> MUTATIONS = List.of(
            SafeTensorsFuzz::lengthBeyondFile, SafeTensorsFuzz::absurdLength, SafeTensorsFuzz::lengthCutsTheHeader,
            SafeTensorsFuzz::headerNotJson, SafeTensorsFuzz::headerNotAnObject, SafeTensorsFuzz::headerNestedTooDeep, SafeTensorsFuzz::headerNotUtf8,
            SafeTensorsFuzz::wrongDtype, SafeTensorsFuzz::shapeDisagreesWithOffsets, SafeTensorsFuzz::malformedShape,
            SafeTensorsFuzz::overlappingOffsets, SafeTensorsFuzz::offsetsOutOfRange, SafeTensorsFuzz::gapInTheData,
            SafeTensorsFuzz::reversedOffsets, SafeTensorsFuzz::malformedOffsets, SafeTensorsFuzz::truncatedData,
            SafeTensorsFuzz::truncatedHeader, SafeTensorsFuzz::shorterThanThePrefix, SafeTensorsFuzz::trailingBytes,
            SafeTensorsFuzz::duplicateName, SafeTensorsFuzz::nonFiniteValue, SafeTensorsFuzz::missingOrUnknownField,
            SafeTensorsFuzz::entryNotAnObject, SafeTensorsFuzz::badMetadata);

    private SafeTensorsFuzz() {}

    /** {@code n} cases, cycling through every mutation, written under {@code dir}. */
    static List<FuzzCase> cases(SplittableRandom rnd, Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(MUTATIONS.get(i % MUTATIONS.size()).make(rnd, dir.resolve(String.format("case-%04d.safetensors", i))));
        }
        return out;
    }

    private static TensorFileSpec base(SplittableRandom rnd) {
        return TensorFileSpec.random(rnd, "model.layers", TensorFileSpec.ANY, 1);
    }

    /** The load of an unbroken file, which must succeed (guards the generator). */
    static FuzzCase.Load unbroken(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = TensorFileSpec.random(rnd, "model.layers", TensorFileSpec.FLOATS, 2);
        s.write(file);
        Map<String, long[]> shapes = s.shapes();
        return () -> {
            try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                return Checkpoint.loadExactly(f, shapes, true);
            }
        };
    }

    /** Opening must reject the file; the message must name it and each of {@code culprits}. */
    private static FuzzCase opening(Path file, String label, String... culprits) {
        FuzzCase c = FuzzCase.of(CATEGORY, label, CheckpointFormatException.class, () -> SafeTensorsFile.open(file))
                .naming(file.getFileName().toString());
        for (String culprit : culprits) c = c.naming(culprit);
        return c;
    }

    private static String pick(SplittableRandom rnd, List<String> names) {
        return names.get(rnd.nextInt(names.size()));
    }

    private static FuzzCase lengthBeyondFile(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        long size = s.bytes().length;
        s.declaredLength = size - 8 + 1 + rnd.nextLong(0, 1 << 20);
        s.write(file);
        return opening(file, "header length " + s.declaredLength + " beyond the file", String.valueOf(s.declaredLength));
    }

    private static FuzzCase absurdLength(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        s.declaredLength = rnd.nextBoolean() ? rnd.nextLong(100_000_001L, Long.MAX_VALUE) : -rnd.nextLong(1, Long.MAX_VALUE);
        s.write(file);
        return opening(file, "absurd header length " + Long.toUnsignedString(s.declaredLength),
                Long.toUnsignedString(s.declaredLength));
    }

    private static FuzzCase lengthCutsTheHeader(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        s.declaredLength = rnd.nextLong(0, s.headerBytes().length);
        s.write(file);
        return opening(file, "header length " + s.declaredLength + " cuts the header", "JSON");
    }

    private static FuzzCase headerNotJson(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        StringBuilder garbage = new StringBuilder();
        garbage.append((char) rnd.nextInt('g', 'm')); // no JSON value starts with g..l
        for (int i = rnd.nextInt(0, 200); i > 0; i--) garbage.append((char) rnd.nextInt(' ', '~' + 1));
        s.rawHeader = garbage.toString().getBytes(StandardCharsets.UTF_8);
        s.write(file);
        return opening(file, "header is not JSON", "JSON");
    }

    private static FuzzCase headerNotAnObject(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String[] values = {"[1, 2, 3]", "42", "\"model.safetensors\"", "null", "true", "[" + s.headerText() + "]"};
        s.rawHeader = values[rnd.nextInt(values.length)].getBytes(StandardCharsets.UTF_8);
        s.write(file);
        return opening(file, "header is JSON but not an object", "object");
    }

    private static FuzzCase headerNestedTooDeep(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        s.rawHeader = ("{\"__metadata__\": " + TensorFileSpec.nested(rnd.nextInt(2000, 100_000), "") + "}").getBytes(StandardCharsets.UTF_8);
        s.write(file);
        return opening(file, "header nested too deep", "JSON");
    }

    private static FuzzCase headerNotUtf8(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        byte[] h = s.headerBytes();
        int at = 2 + rnd.nextInt(h.length - 3); // inside the header, after the opening {"
        byte[][] invalid = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xF8, (byte) 0x88}};
        byte[] bad = invalid[rnd.nextInt(invalid.length)];
        byte[] out = Arrays.copyOf(h, h.length + bad.length);
        System.arraycopy(bad, 0, out, at, bad.length);
        System.arraycopy(h, at, out, at + bad.length, h.length - at);
        s.rawHeader = out;
        s.write(file);
        return opening(file, "header is not UTF-8", "UTF-8");
    }

    private static FuzzCase wrongDtype(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        String current = s.dtype(t).hfName();
        List<Runnable> edits = List.of(
                () -> s.entry(t).put("dtype", current.toLowerCase()),
                () -> s.entry(t).put("dtype", "F" + rnd.nextInt(65, 1000)),
                () -> s.entry(t).put("dtype", rnd.nextBoolean() ? "FLOAT32" : "float16"),
                () -> s.entry(t).put("dtype", ""),
                () -> s.entry(t).put("dtype", " " + current),
                () -> s.entry(t).put("dtype", 32),
                () -> s.entry(t).putNull("dtype"),
                () -> s.entry(t).putArray("dtype").add(current));
        edits.get(rnd.nextInt(edits.size())).run();
        s.write(file);
        return opening(file, "tensor " + t + " has dtype " + s.entry(t).get("dtype"), "'" + t + "'", "dtype");
    }

    private static FuzzCase shapeDisagreesWithOffsets(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        long[] shape = s.shape(t);
        long[] wrong;
        switch (rnd.nextInt(3)) {
            case 0 -> { // one more dimension of size >= 2
                wrong = Arrays.copyOf(shape, shape.length + 1);
                wrong[shape.length] = rnd.nextInt(2, 5);
            }
            case 1 -> { // one dimension larger
                wrong = shape.clone();
                wrong[rnd.nextInt(wrong.length)] += rnd.nextInt(1, 4);
            }
            default -> { // a dimension of zero: no bytes needed although the offsets span some
                wrong = shape.clone();
                wrong[rnd.nextInt(wrong.length)] = 0;
            }
        }
        ArrayNode node = s.entry(t).putArray("shape");
        for (long d : wrong) node.add(d);
        s.write(file);
        return opening(file, "tensor " + t + " shape " + Arrays.toString(wrong) + " disagrees with its offsets", "'" + t + "'", "shape");
    }

    private static FuzzCase malformedShape(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        List<Runnable> edits = List.of(
                () -> s.entry(t).putArray("shape").add(-rnd.nextInt(1, 9)).add(2),
                () -> s.entry(t).putArray("shape").add(1.5),
                () -> s.entry(t).put("shape", "2"),
                () -> s.entry(t).putArray("shape").add(4294967296L).add(4294967296L).add(16),
                () -> s.entry(t).putArray("shape").add("2"),
                () -> s.entry(t).putNull("shape"),
                () -> s.entry(t).putObject("shape").put("0", 2),
                () -> s.entry(t).putArray("shape").add(NODES.numberNode(new java.math.BigInteger("18446744073709551616"))));
        edits.get(rnd.nextInt(edits.size())).run();
        s.write(file);
        return opening(file, "tensor " + t + " has shape " + s.entry(t).get("shape"), "'" + t + "'", "shape");
    }

    private static FuzzCase overlappingOffsets(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = TensorFileSpec.random(rnd, "model.layers", TensorFileSpec.ANY, 2);
        List<String> order = s.namesByOffset();
        int i = rnd.nextInt(1, order.size());
        String previous = order.get(i - 1), t = order.get(i);
        long length = s.end(t) - s.begin(t);
        long begin = rnd.nextLong(s.begin(previous), s.end(previous)); // starts inside its neighbour
        s.setOffsets(t, begin, begin + length);
        s.write(file);
        return opening(file, "tensor " + t + " overlaps " + previous, "'" + t + "'");
    }

    private static FuzzCase offsetsOutOfRange(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        long length = s.end(t) - s.begin(t);
        long begin = s.data.length + rnd.nextLong(0, 1L << rnd.nextInt(1, 62));
        s.setOffsets(t, begin, begin + length);
        s.write(file);
        return opening(file, "tensor " + t + " offsets past the data", "'" + t + "'");
    }

    private static FuzzCase gapInTheData(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        List<String> order = s.namesByOffset();
        String last = order.get(order.size() - 1);
        int gap = rnd.nextInt(1, 64);
        s.setOffsets(last, s.begin(last) + gap, s.end(last) + gap);
        s.data = Arrays.copyOf(s.data, s.data.length + gap);
        s.write(file);
        return opening(file, "gap of " + gap + " bytes before " + last, "'" + last + "'", "gap");
    }

    private static FuzzCase reversedOffsets(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        s.setOffsets(t, s.end(t), s.begin(t));
        s.write(file);
        return opening(file, "tensor " + t + " offsets reversed", "'" + t + "'", "data_offsets");
    }

    private static FuzzCase malformedOffsets(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        long b = s.begin(t), e = s.end(t);
        List<Runnable> edits = List.of(
                () -> s.entry(t).putArray("data_offsets").add(b),
                () -> s.entry(t).putArray("data_offsets").add(b).add(e).add(e),
                () -> s.entry(t).putArray("data_offsets").add(String.valueOf(b)).add(String.valueOf(e)),
                () -> s.entry(t).putArray("data_offsets").add(-1 - b).add(e),
                () -> s.entry(t).putArray("data_offsets").add(b + 0.5).add(e),
                () -> s.entry(t).put("data_offsets", b + "-" + e),
                () -> s.entry(t).putArray("data_offsets").add(b).add(NODES.numberNode(new java.math.BigInteger("18446744073709551616"))),
                () -> s.entry(t).putArray("data_offsets"));
        edits.get(rnd.nextInt(edits.size())).run();
        s.write(file);
        return opening(file, "tensor " + t + " data_offsets " + s.entry(t).get("data_offsets"), "'" + t + "'", "data_offsets");
    }

    private static FuzzCase truncatedData(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        byte[] bytes = s.bytes();
        int dataStart = 8 + s.headerBytes().length;
        int cut = rnd.nextInt(dataStart, bytes.length);
        Files.write(file, Arrays.copyOf(bytes, cut));
        return opening(file, "data truncated to " + (cut - dataStart) + " of " + s.data.length + " bytes", "truncated");
    }

    private static FuzzCase truncatedHeader(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        byte[] bytes = s.bytes();
        int cut = rnd.nextInt(8, 8 + s.headerBytes().length);
        Files.write(file, Arrays.copyOf(bytes, cut));
        return opening(file, "file cut inside its header at byte " + cut, "end of the file");
    }

    private static FuzzCase shorterThanThePrefix(SplittableRandom rnd, Path file) throws IOException {
        byte[] b = new byte[rnd.nextInt(0, 8)];
        for (int i = 0; i < b.length; i++) b[i] = (byte) rnd.nextInt(256);
        Files.write(file, b);
        return opening(file, b.length + "-byte file", "8-byte");
    }

    private static FuzzCase trailingBytes(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        s.data = Arrays.copyOf(s.data, s.data.length + rnd.nextInt(1, 100));
        s.write(file);
        return opening(file, "trailing bytes after the last tensor", "trailing");
    }

    private static FuzzCase duplicateName(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        String h = s.headerText();
        String entry = "\"" + t + "\":" + s.entry(t);
        // the same name again, pointing at a copy of its bytes appended to the data
        long length = s.end(t) - s.begin(t);
        ObjectNode copy = s.entry(t).deepCopy();
        ((ArrayNode) copy.get("data_offsets")).removeAll().add(s.data.length).add(s.data.length + length);
        s.rawHeader = h.replace(entry, entry + ",\"" + t + "\":" + copy).getBytes(StandardCharsets.UTF_8);
        s.data = Arrays.copyOf(s.data, s.data.length + (int) length);
        s.write(file);
        return opening(file, "tensor " + t + " twice", "'" + t + "'", "duplicate");
    }

    private static FuzzCase nonFiniteValue(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = TensorFileSpec.random(rnd, "model.layers", TensorFileSpec.FLOATS, 1);
        String t = pick(rnd, s.names());
        long[] shape = s.shape(t);
        long numel = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        long index = rnd.nextLong(numel);
        float value = new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[rnd.nextInt(3)];
        SafeTensorsDType dtype = s.dtype(t);
        ByteBuffer data = ByteBuffer.wrap(s.data).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) (s.begin(t) + index * dtype.byteSize());
        switch (dtype) {
            case F32 -> data.putFloat(at, value);
            case F64 -> data.putDouble(at, value);
            case F16 -> data.putShort(at, (short) (Float.isNaN(value) ? 0x7E00 : value > 0 ? 0x7C00 : 0xFC00));
            default -> data.putShort(at, (short) (Float.floatToIntBits(value) >>> 16)); // BF16: the top half of a float
        }
        s.write(file);
        Map<String, long[]> shapes = s.shapes();
        String where = Arrays.toString(unravel(index, shape));
        return FuzzCase.of(CATEGORY, "tensor " + t + " holds " + value + " at " + where + " (finite required)",
                CheckpointFormatException.class, () -> {
                    try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
                        return Checkpoint.loadExactly(f, shapes, true);
                    }
                }).naming(file.getFileName().toString()).naming("'" + t + "'").naming(where);
    }

    private static long[] unravel(long index, long[] shape) {
        long[] out = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            out[d] = index % shape[d];
            index /= shape[d];
        }
        return out;
    }

    private static FuzzCase missingOrUnknownField(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        String field;
        if (rnd.nextInt(4) == 0) {
            field = "offsets";
            s.entry(t).put(field, 0);
        } else {
            field = List.of("dtype", "shape", "data_offsets").get(rnd.nextInt(3));
            s.entry(t).remove(field);
        }
        s.write(file);
        return opening(file, "tensor " + t + " field " + field + " missing or unknown", "'" + t + "'", field);
    }

    private static FuzzCase entryNotAnObject(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        String t = pick(rnd, s.names());
        switch (rnd.nextInt(3)) {
            case 0 -> s.header.putArray(t).add(1).add(2);
            case 1 -> s.header.put(t, "F32");
            default -> s.header.putNull(t);
        }
        s.write(file);
        return opening(file, "entry of " + t + " is " + s.header.get(t), "'" + t + "'");
    }

    private static FuzzCase badMetadata(SplittableRandom rnd, Path file) throws IOException {
        TensorFileSpec s = base(rnd);
        switch (rnd.nextInt(4)) {
            case 0 -> s.header.putObject("__metadata__").put("format", rnd.nextInt(100));
            case 1 -> s.header.putObject("__metadata__").putNull("format");
            case 2 -> s.header.putArray("__metadata__").add("pt");
            default -> s.header.putObject("__metadata__").putObject("nested").put("a", "b");
        }
        s.write(file);
        return opening(file, "__metadata__ " + s.header.get("__metadata__"), "__metadata__");
    }
}

package org.tarpo4j.models.io;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes Hugging Face safetensors files: tensors in the given order, contiguous, after a JSON header padded with
 * spaces to a multiple of 8 bytes. The file appears atomically (temporary file + rename), so a crash never
 * leaves a half-written checkpoint under the target name.
 */
public final class SafeTensorsWriter {
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private SafeTensorsWriter() {}

    /** {@link #write(Path, Map, Function, Map)} with one dtype (F32, F16 or BF16) for every tensor. */
    public static void write(Path file, Map<String, INDArray> tensors, SafeTensorsDType dtype, Map<String, String> metadata)
            throws IOException {
        write(file, tensors, name -> dtype, metadata);
    }

    /**
     * Writes {@code tensors} (in the map's iteration order) to {@code file}.
     *
     * @param tensors floating-point arrays of any layout; their logical C-order values are stored
     * @param dtypeOf the stored dtype of each tensor: F32, F16 or BF16 (narrowing rounds to nearest even)
     * @param metadata the {@code __metadata__} strings (omitted when empty)
     * @throws IllegalArgumentException for a reserved or null name, an unwritable dtype, a non-float array or null
     *     metadata, before anything is written
     */
    public static void write(Path file, Map<String, INDArray> tensors, Function<String, SafeTensorsDType> dtypeOf,
            Map<String, String> metadata) throws IOException {
        metadata.forEach((k, v) -> {
            if (k == null || v == null) throw new IllegalArgumentException("metadata keys and values must not be null");
        });
        List<Planned> plan = plan(tensors, dtypeOf);
        byte[] header = header(plan, metadata);
        AtomicFiles.write(file, channel -> {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            AtomicFiles.writeFully(channel, prefix);
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN);
            float[] scratch = new float[CHUNK_ELEMENTS];
            for (Planned p : plan) writeData(channel, p, chunk, scratch);
        });
    }

    /** A tensor with its stored dtype and byte range. */
    private record Planned(String name, INDArray array, SafeTensorsDType dtype, long begin, long end) {}

    private static List<Planned> plan(Map<String, INDArray> tensors, Function<String, SafeTensorsDType> dtypeOf) {
        List<Planned> plan = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            String name = e.getKey();
            INDArray array = e.getValue();
            if (name == null || name.equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("invalid tensor name: " + name);
            }
            if (array == null || !array.dataType().isFPType()) {
                throw new IllegalArgumentException("tensor '" + name + "': only floating-point arrays can be written, got "
                        + (array == null ? "null" : array.dataType()));
            }
            SafeTensorsDType dtype = dtypeOf.apply(name);
            if (dtype == null || !FloatCodec.canEncode(dtype)) {
                throw new IllegalArgumentException("tensor '" + name + "': cannot write dtype " + dtype + " (F32, F16 or BF16)");
            }
            long end = offset + array.length() * dtype.byteSize();
            plan.add(new Planned(name, array, dtype, offset, end));
            offset = end;
        }
        return plan;
    }

    private static byte[] header(List<Planned> plan, Map<String, String> metadata) throws IOException {
        ObjectNode root = SafeTensorsHeader.STRICT_JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        for (Planned p : plan) {
            ObjectNode entry = root.putObject(p.name());
            entry.put("dtype", p.dtype().hfName());
            ArrayNode shape = entry.putArray("shape");
            for (long d : p.array().shape()) shape.add(d);
            entry.putArray("data_offsets").add(p.begin()).add(p.end());
        }
        byte[] json = SafeTensorsHeader.STRICT_JSON.writeValueAsBytes(root);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8); // HF pads with spaces to 8-byte alignment
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeData(FileChannel channel, Planned p, ByteBuffer chunk, float[] scratch) throws IOException {
        INDArray values = FloatArrays.contiguousFloat(p.array());
        long total = values.length();
        for (long done = 0; done < total; ) {
            int n = (int) Math.min(total - done, CHUNK_ELEMENTS);
            FloatArrays.get(values, done, scratch, n);
            chunk.clear();
            FloatCodec.encode(p.dtype(), scratch, n, chunk);
            chunk.flip();
            AtomicFiles.writeFully(channel, chunk);
            done += n;
        }
    }
}

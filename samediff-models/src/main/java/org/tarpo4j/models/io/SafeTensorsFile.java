package org.tarpo4j.models.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One Hugging Face safetensors file, memory-mapped read-only. {@link #open} validates the whole header (see
 * {@link CheckpointFormatException} for what is rejected) before returning; data is touched only by
 * {@link #readFloat}. Files and tensors larger than 2 GiB are read through several mappings.
 */
public final class SafeTensorsFile implements TensorSource {
    static final int DEFAULT_WINDOW_BYTES = 1 << 30;
    /** Elements converted per step: bounds the scratch array whatever the tensor size. */
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private final Path path;
    private final SafeTensorsHeader header;
    private volatile MappedWindows data;

    private SafeTensorsFile(Path path, SafeTensorsHeader header, MappedWindows data) {
        this.path = path;
        this.header = header;
        this.data = data;
    }

    /** Opens, validates and maps {@code path}. */
    public static SafeTensorsFile open(Path path) throws IOException {
        return open(path, DEFAULT_WINDOW_BYTES);
    }

    /** As {@link #open(Path)} with a chosen mapping window size (small windows let tests cross window edges). */
    static SafeTensorsFile open(Path path, int windowBytes) throws IOException {
        String file = path.toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer prefix = readFully(channel, 0, (int) Math.min(8, size), file);
            long declared = size < 8 ? 0 : prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            int headerLength = SafeTensorsHeader.checkLength(file, declared, size);
            ByteBuffer headerBytes = readFully(channel, 8, headerLength, file);
            long dataLength = size - 8 - headerLength;
            SafeTensorsHeader header = SafeTensorsHeader.parse(file, headerBytes.array(), dataLength);
            // a mapping stays valid after its channel is closed
            return new SafeTensorsFile(path, header, MappedWindows.map(channel, 8L + headerLength, dataLength, windowBytes));
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long at, int length, String file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, at + buf.position()) < 0) {
                throw new CheckpointFormatException(file + ": file ended while reading bytes [" + at + ", " + (at + length) + ")");
            }
        }
        return buf;
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    @Override
    public Path location() {
        return path;
    }

    @Override
    public Set<String> names() {
        return header.tensors.keySet();
    }

    @Override
    public TensorInfo info(String name) {
        return header.info(name);
    }

    @Override
    public Path fileOf(String name) {
        header.info(name);
        return path;
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata;
    }

    @Override
    public INDArray readFloat(String name, boolean requireFinite) throws IOException {
        TensorInfo info = header.info(name);
        SafeTensorsDType dtype = info.dtype();
        if (!dtype.isReadableAsFloat()) {
            throw new CheckpointFormatException(path + ": tensor '" + name + "' has dtype " + dtype
                    + ", which is not a float type (readFloat reads F64, F32, F16 and BF16)");
        }
        MappedWindows windows = data;
        if (windows == null) throw new IllegalStateException(path + " is closed");
        INDArray out = FloatArrays.allocate(info.shape());
        long total = info.numel();
        float[] scratch = new float[(int) Math.min(total, CHUNK_ELEMENTS)];
        long position = info.begin();
        for (long done = 0; done < total; ) {
            int want = (int) Math.min(total - done, CHUNK_ELEMENTS);
            ByteBuffer src = windows.slice(position, (long) want * dtype.byteSize(), dtype.byteSize());
            int count = src.remaining() / dtype.byteSize();
            if (count == 0) throw new IllegalStateException("no progress at byte " + position + " of " + path); // never loop forever
            FloatCodec.decode(dtype, src, scratch, count);
            if (requireFinite) checkFinite(name, info.shape(), scratch, count, done);
            FloatArrays.put(out, done, scratch, count);
            done += count;
            position += (long) count * dtype.byteSize();
        }
        return out;
    }

    private void checkFinite(String name, long[] shape, float[] values, int count, long firstIndex)
            throws CheckpointFormatException {
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(values[i])) {
                throw new CheckpointFormatException(path + ": tensor '" + name + "' has non-finite value " + values[i]
                        + " at index " + Arrays.toString(unravel(firstIndex + i, shape)));
            }
        }
    }

    /** The row-major multi-index of flat element {@code index}. */
    private static long[] unravel(long index, long[] shape) {
        long[] out = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            out[d] = index % shape[d];
            index /= shape[d];
        }
        return out;
    }

    /** Drops the mappings; later reads fail. The memory is unmapped when the buffers are garbage collected. */
    @Override
    public void close() {
        data = null;
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + path + ", " + header.tensors.size() + " tensors]";
    }
}

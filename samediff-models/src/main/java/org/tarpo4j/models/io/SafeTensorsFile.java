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
    /** Elements converted per step: bounds the scratch array whatever the tensor size. */
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private final Path path;
    private final SafeTensorsHeader header;
    private final long dataStart;
    private volatile FileChannel channel;   // null once closed

    private SafeTensorsFile(Path path, SafeTensorsHeader header, long dataStart, FileChannel channel) {
        this.path = path;
        this.header = header;
        this.dataStart = dataStart;
        this.channel = channel;
    }

    /**
     * Opens and validates {@code path}; the file stays open until {@link #close}. Tensors are read with positional
     * reads, not a memory mapping: mapped pages count in the process's resident memory until the mapping is garbage
     * collected, which doubled the footprint of a freshly loaded model (a bf16 0.5B checkpoint is 1 GB of pages).
     */
    public static SafeTensorsFile open(Path path) throws IOException {
        String file = path.toString();
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            ByteBuffer prefix = readFully(channel, 0, (int) Math.min(8, size), file);
            long declared = size < 8 ? 0 : prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            int headerLength = SafeTensorsHeader.checkLength(file, declared, size);
            ByteBuffer headerBytes = readFully(channel, 8, headerLength, file);
            long dataLength = size - 8 - headerLength;
            SafeTensorsHeader header = SafeTensorsHeader.parse(file, headerBytes.array(), dataLength);
            return new SafeTensorsFile(path, header, 8L + headerLength, channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
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
        FileChannel in = channel;
        if (in == null) throw new IllegalStateException(path + " is closed");
        INDArray out = FloatArrays.allocate(info.shape());
        long total = info.numel();
        int chunk = (int) Math.min(total, CHUNK_ELEMENTS);
        float[] scratch = new float[chunk];
        ByteBuffer bytes = ByteBuffer.allocateDirect(chunk * dtype.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        long position = dataStart + info.begin();
        for (long done = 0; done < total; ) {
            int count = (int) Math.min(total - done, CHUNK_ELEMENTS);
            bytes.clear().limit(count * dtype.byteSize());
            while (bytes.hasRemaining()) {
                if (in.read(bytes, position + bytes.position()) < 0) {
                    throw new CheckpointFormatException(path + ": file ended inside tensor '" + name + "'");
                }
            }
            bytes.flip();
            FloatCodec.decode(dtype, bytes, scratch, count);
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

    /** Closes the file; later reads fail. */
    @Override
    public void close() {
        FileChannel in = channel;
        channel = null;
        if (in == null) return;
        try {
            in.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + path + ", " + header.tensors.size() + " tensors]";
    }
}

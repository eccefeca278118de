package org.tarpo4j.models.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * A byte range of a file, memory-mapped read-only as a series of windows (one mapping is limited to 2 GiB).
 * Window {@code k} maps bytes {@code [k·W, (k+1)·W + 8)}: the 8-byte overlap guarantees that any element
 * (at most 8 bytes) starting inside a window ends inside it too, whatever the alignment of tensor offsets.
 */
final class MappedWindows {
    static final int MAX_ELEMENT_BYTES = 8;

    private final long window;
    private final ByteBuffer[] windows;

    private MappedWindows(long window, ByteBuffer[] windows) {
        this.window = window;
        this.windows = windows;
    }

    /** Maps {@code length} bytes starting at {@code start}; {@code window} is at most 2 GiB minus the overlap. */
    static MappedWindows map(FileChannel channel, long start, long length, int window) throws IOException {
        if (window < 1 || window > Integer.MAX_VALUE - MAX_ELEMENT_BYTES) throw new IllegalArgumentException("window " + window);
        int count = (int) ((length + window - 1) / window);
        ByteBuffer[] windows = new ByteBuffer[count];
        for (int k = 0; k < count; k++) {
            long offset = (long) k * window;
            long size = Math.min((long) window + MAX_ELEMENT_BYTES, length - offset);
            windows[k] = channel.map(FileChannel.MapMode.READ_ONLY, start + offset, size);
        }
        return new MappedWindows(window, windows);
    }

    /**
     * A little-endian view starting at {@code position} holding as many whole {@code elementBytes}-sized elements as
     * fit in one window, at least one and at most {@code maxBytes / elementBytes}.
     */
    ByteBuffer slice(long position, long maxBytes, int elementBytes) {
        int k = (int) (position / window);
        ByteBuffer w = windows[k];
        int local = (int) (position - k * window);
        long available = (w.capacity() - local) / elementBytes * elementBytes;
        int bytes = (int) Math.min(available, maxBytes / elementBytes * elementBytes);
        // slice() resets the byte order, so set it on the slice
        return w.duplicate().position(local).limit(local + bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}

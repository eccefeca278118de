package org.tarpo4j.models.io;

import java.util.Arrays;

/**
 * One header entry of a safetensors file: the element type, the shape (row-major) and the byte range
 * {@code [begin, end)} relative to the start of the data buffer.
 */
public record TensorInfo(String name, SafeTensorsDType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        shape = shape.clone(); // records expose the array; keep ours private
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements (1 for a scalar). Validated headers guarantee this does not overflow. */
    public long numel() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** {@code end - begin}. */
    public long byteLength() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * name.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape) + Long.hashCode(begin ^ end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + "]";
    }
}

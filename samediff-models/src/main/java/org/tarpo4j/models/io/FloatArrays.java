package org.tarpo4j.models.io;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between {@code float[]} chunks and the native buffer of a float32 INDArray, at long offsets, so
 * tensors with more than 2^31 elements never need a Java array of their full size.
 */
final class FloatArrays {
    private FloatArrays() {}

    /** A new C-order float32 array outside any workspace (weights outlive workspace scopes). */
    static INDArray allocate(long[] shape) {
        for (long d : shape) {
            if (d == 0) return Nd4j.create(DataType.FLOAT, shape); // ND4J's empty array
        }
        return Nd4j.createUninitializedDetached(DataType.FLOAT, 'c', shape);
    }

    /**
     * {@code a} itself if it is a float32 C-order array that owns its whole buffer from offset 0, otherwise a
     * float32 C-order copy with the same logical values.
     */
    static INDArray contiguousFloat(INDArray a) {
        INDArray f = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        boolean plain = f.ordering() == 'c' && !f.isView() && f.offset() == 0
                && (f.isEmpty() || f.data().length() == f.length());
        return plain ? f : f.dup('c');
    }

    /** Copies {@code n} values into elements {@code [at, at + n)} of a {@link #contiguousFloat} array. */
    static void put(INDArray dst, long at, float[] src, int n) {
        new FloatPointer(dst.data().addressPointer()).position(at).put(src, 0, n);
    }

    /** Copies elements {@code [at, at + n)} of a {@link #contiguousFloat} array into {@code dst}. */
    static void get(INDArray src, long at, float[] dst, int n) {
        new FloatPointer(src.data().addressPointer()).position(at).get(dst, 0, n);
    }
}

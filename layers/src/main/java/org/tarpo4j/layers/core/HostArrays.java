package org.tarpo4j.layers.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Arrays copied to Java in one bulk read of their buffer. M2.1's {@code toIntMatrix()} and {@code toFloatMatrix()} go
 * row by row through views (measured 142 µs and 120 µs for an {@code [8, 1]} and an {@code [8, 2]} array, against well
 * under 1 µs here), and {@code data().asFloat()} took 66–170 µs for {@code [8, 8192]} floats against ~7 µs for the bulk
 * read. A column-major matrix (FastDecoder's step logits) is read as it lies and transposed here, which is cheaper than
 * ND4J's {@code dup('c')} (~160 µs for that size, mostly allocation).
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class HostArrays {
    private HostArrays() {}

    /** The elements in row-major order, as ints. */
    public static int[] ints(INDArray a) {
        if (a.isEmpty()) return new int[0];
        INDArray h = readable(a, DataType.INT32, false);   // ids and positions: small, row-major in practice
        int[] out = new int[(int) h.length()];
        buffer(h).asIntBuffer().get(out);
        return out;
    }

    /** The elements in row-major order, as floats. */
    public static float[] floats(INDArray a) {
        if (a.isEmpty()) return new float[0];
        INDArray h = readable(a, DataType.FLOAT, true);
        float[] raw = new float[(int) h.length()];
        buffer(h).asFloatBuffer().get(raw);
        if (!columnMajor(h)) return raw;
        int rows = (int) h.size(0), cols = (int) h.size(1);
        float[] out = new float[raw.length];
        for (int c = 0; c < cols; c++) for (int r = 0; r < rows; r++) out[r * cols + c] = raw[c * rows + r];
        return out;
    }

    /** A rank-2 array as {@code int[rows][columns]}. */
    public static int[][] intMatrix(INDArray a) {
        requireMatrix(a);
        int rows = (int) a.size(0), cols = (int) a.size(1);
        int[] flat = ints(a);
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) out[r] = java.util.Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        return out;
    }

    /** A rank-2 array as {@code float[rows][columns]}. */
    public static float[][] floatMatrix(INDArray a) {
        requireMatrix(a);
        int rows = (int) a.size(0), cols = (int) a.size(1);
        float[] flat = floats(a);
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) out[r] = java.util.Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        return out;
    }

    private static void requireMatrix(INDArray a) {
        if (a.rank() != 2) throw new IllegalArgumentException("expected a rank-2 array, got shape " + java.util.Arrays.toString(a.shape()));
    }

    /** A column-major matrix whose buffer must be transposed into row-major order. */
    private static boolean columnMajor(INDArray h) {
        return h.ordering() == 'f' && h.rank() == 2 && h.size(0) > 1 && h.size(1) > 1;
    }

    /**
     * The array itself when its buffer holds exactly its elements, of this type, row-major or (a matrix, when allowed)
     * column-major; else a row-major copy. On the host either way.
     */
    private static INDArray readable(INDArray a, DataType type, boolean columnMajorAllowed) {
        INDArray c = a.dataType() == type ? a : a.castTo(type);
        boolean orderReadable = c.ordering() == 'c' || (columnMajorAllowed && c.ordering() == 'f' && c.rank() == 2);
        boolean exact = orderReadable && !c.isView() && c.offset() == 0 && c.data().length() == c.length();
        if (!exact) c = c.dup('c');
        Nd4j.getAffinityManager().ensureLocation(c, AffinityManager.Location.HOST);
        return c;
    }

    private static ByteBuffer buffer(INDArray h) {
        return h.data().asNio().order(ByteOrder.nativeOrder());
    }
}

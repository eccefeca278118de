package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code y = α x Wᵀ} ({@code + y} when accumulating), {@code x [N, in]}, {@code W [out, in]}, {@code y [N, out]}, bound
 * once, by the fastest path measured for its shape:
 * <ul>
 *   <li>2 to {@value VectorProjection#ROWS} float32 rows of at least {@value VectorProjection#MIN_INPUT} inputs, when
 *   the JVM has the Vector API ({@code --add-modules jdk.incubator.vector}, as {@code ./tarpo} and the tests start
 *   it): {@link VectorProjection}, W read once without packing (4 rows of the 0.5B shape: 1.8–2.1 against 3.8–4.7 ms
 *   for the GEMM);</li>
 *   <li>otherwise one row, and up to {@value FastDecoder#MATVEC_ROWS} rows of a matrix that stays in cache (at most
 *   {@value #CACHED_BYTES} bytes): the matrix-vector form of {@code matmul} ({@code W · x_r}, rank-1 {@code x_r}), one
 *   per row. In M2.1 that is 4–7× faster than a GEMM of one row (1×256 by 8192×256: 0.19 against 1.3 ms), still
 *   1.5–6× faster at 2–4 rows of a small model, and at one row it streams W faster than the kernel (0.75–0.94 against
 *   3.4–3.9 ms at 896 → 4864);</li>
 *   <li>otherwise one GEMM: from 8 rows on it is as fast or faster, and a large matrix read once per row would be read
 *   from memory that many times (at the 1.5B shape, 4 rows of a 55 MB matrix).</li>
 * </ul>
 */
final class Projection {
    /** A matrix up to this size is read from cache when it is read once per row. */
    static final long CACHED_BYTES = 4L << 20;

    /** Whether this JVM was started with the Vector API: without it {@link VectorProjection} cannot even be loaded. */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private static volatile boolean vectorKernel = VECTOR_API;   // off only in tests of the BLAS path

    /** Tests: projections bound from now on use the Vector API kernel (where it is present) or not; returns the last setting. */
    static boolean useVectorKernel(boolean on) {
        boolean previous = vectorKernel;
        vectorKernel = on && VECTOR_API;
        return previous;
    }

    private final BoundOp[] ops;
    private final VectorProjection vector;   // null: the BLAS ops above

    Projection(INDArray x, INDArray w, INDArray y, boolean accumulate) {
        this(x, w, y, 1.0, accumulate);
    }

    Projection(INDArray x, INDArray w, INDArray y, double alpha, boolean accumulate) {
        if (vectorKernel && x.size(0) > 1 && x.size(1) >= VectorProjection.MIN_INPUT && VectorProjection.fits(x, w, y)) {
            vector = new VectorProjection(x, w, y, alpha, accumulate);
            ops = new BoundOp[0];
            return;
        }
        vector = null;
        int n = (int) x.size(0);
        boolean cached = w.length() * w.dataType().width() <= CACHED_BYTES;
        if (n > FastDecoder.MATVEC_ROWS || n > 1 && !cached) {
            ops = new BoundOp[]{BoundOp.matmul(x, w, y, true, alpha, accumulate)};
            return;
        }
        ops = new BoundOp[n];
        for (int r = 0; r < n; r++) {
            INDArray xr = n == 1 ? x.reshape(x.length()) : x.getRow(r), yr = n == 1 ? y.reshape(y.length()) : y.getRow(r);
            ops[r] = BoundOp.matmul(w, xr, yr, false, alpha, accumulate);
        }
    }

    /** Whether this projection runs on the Vector API kernel (for tests). */
    boolean vectorised() { return vector != null; }

    void run() {
        if (vector != null) vector.run();
        for (BoundOp op : ops) op.run();
    }
}

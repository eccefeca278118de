package org.tarpo4j.models.decoder.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code y = α x Wᵀ} ({@code + y} when accumulating) for up to {@value #ROWS} rows of float32, {@code x [N, in]},
 * {@code W [out, in]} row-major, {@code y [N, out]} of any strides: each row of W is read once and multiplied with
 * every row of x in SIMD registers (the JDK's Vector API). A decode step is a few rows against matrices of megabytes,
 * so it is bound by reading W: OpenBLAS's SGEMM first copies W into its packed layout (63% of a 0.5B decode step at
 * B = 4 in {@code sgemm_incopy}; the timings against the GEMM are {@link Projection}'s), and a matrix-vector product
 * per row reads W once per row.
 *
 * <p>W's rows are split into parts, one per thread ({@code OMP_NUM_THREADS}, as ND4J's own ops; the caller's thread
 * takes the first) for a matrix of a megabyte or more, and in any case into parts under 1 GiB (a buffer's limit).
 * Loaded only when the JVM was started with {@code --add-modules jdk.incubator.vector} ({@link Projection} checks);
 * the arrays are read through their native addresses, so they must outlive the projection (a decoder's buffers and
 * its model's weights do).
 */
final class VectorProjection {
    /** Rows of x multiplied with one pass over W. */
    static final int ROWS = 4;

    /**
     * Narrower inputs go to BLAS: each output's four sums end in a cross-lane reduction, which then costs more than
     * reading W (4 rows, LoRA's B {@code [4864, 32]}: 0.59 against 0.23 ms; {@code [4864, 128]}: 0.51 against 0.71).
     */
    static final int MIN_INPUT = 128;

    /** Threads a large W is split over: OpenMP's count, as libnd4j's ops use. */
    static final int THREADS = threads(System.getenv("OMP_NUM_THREADS"));

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final long PARALLEL_BYTES = 1L << 20, PART_BYTES = 1L << 30;
    private static ExecutorService pool;                 // THREADS - 1 daemon threads, made on first use

    /** A range of W's rows, from {@code first}, as its own buffer (so no offset passes 2 GiB). */
    private record Part(ByteBuffer w, int first, int rows) {}

    private final Part[] parts;
    private final FloatBuffer x, y;
    private final int n, in, out;
    private final long xRow, yRow, yCol;
    private final float alpha;
    private final boolean accumulate;
    private final float[] xs;                      // the rows of x, copied once a call: [ROWS · in], zero rows past N
    private final float[] sums;                    // [ROWS · out]

    /** Whether these arrays can go through this kernel: float32, W row-major and dense, x rows contiguous. */
    static boolean fits(INDArray x, INDArray w, INDArray y) {
        return x.dataType() == DataType.FLOAT && w.dataType() == DataType.FLOAT && y.dataType() == DataType.FLOAT
                && x.rank() == 2 && w.rank() == 2 && y.rank() == 2 && x.size(0) <= ROWS
                && w.stride(1) == 1 && w.stride(0) == w.size(1) && x.stride(1) == 1 && x.length() > 0 && w.length() > 0;
    }

    VectorProjection(INDArray x, INDArray w, INDArray y, double alpha, boolean accumulate) {
        this(x, w, y, alpha, accumulate, THREADS);
    }

    /** @param threads parts W is split into when it is large (tests give more than this machine's count) */
    VectorProjection(INDArray x, INDArray w, INDArray y, double alpha, boolean accumulate, int threads) {
        if (!fits(x, w, y)) throw new IllegalArgumentException("VectorProjection takes float32 x [<= " + ROWS + ", in], W [out, in]");
        this.n = (int) x.size(0);
        this.in = (int) x.size(1);
        this.out = (int) w.size(0);
        if (w.size(1) != in || y.size(0) != n || y.size(1) != out) {
            throw new IllegalArgumentException("shapes x " + java.util.Arrays.toString(x.shape()) + ", W "
                    + java.util.Arrays.toString(w.shape()) + ", y " + java.util.Arrays.toString(y.shape()) + " do not chain");
        }
        this.parts = split(w, threads);
        this.x = bytes(x).asFloatBuffer();
        this.y = bytes(y).asFloatBuffer();
        this.xRow = x.stride(0);
        this.yRow = y.stride(0);
        this.yCol = y.stride(1);
        this.alpha = (float) alpha;
        this.accumulate = accumulate;
        this.xs = new float[ROWS * in];
        this.sums = new float[ROWS * out];
    }

    void run() {
        for (int r = 0; r < n; r++) x.get((int) (r * xRow), xs, r * in, in);
        if (parts.length == 1) {
            multiply(parts[0]);
        } else {
            CompletableFuture<?>[] others = new CompletableFuture<?>[parts.length - 1];
            for (int p = 1; p < parts.length; p++) {
                Part part = parts[p];
                others[p - 1] = CompletableFuture.runAsync(() -> multiply(part), pool());
            }
            multiply(parts[0]);
            CompletableFuture.allOf(others).join();
        }
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < out; j++) {
                int at = (int) (r * yRow + j * yCol);
                float v = alpha * sums[r * out + j];
                y.put(at, accumulate ? y.get(at) + v : v);
            }
        }
    }

    private void multiply(Part p) {
        multiply(p.w(), p.rows(), in, xs, sums, out, p.first());
    }

    /**
     * {@code sums[r·out + first + j] = Σ_i x[r·in + i] · W[j·in + i]} for the {@value #ROWS} rows of x and the
     * {@code rows} rows of this part of W, two rows of W at a time.
     */
    static void multiply(ByteBuffer w, int rows, int in, float[] x, float[] sums, int out, int first) {
        int vectorEnd = in - in % S.length(), j = 0;
        for (; j + 1 < rows; j += 2) {
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            int rowA = j * in, rowB = rowA + in;
            for (int i = 0; i < vectorEnd; i += S.length()) {
                FloatVector wa = load(w, rowA + i), wb = load(w, rowB + i);
                FloatVector x0 = FloatVector.fromArray(S, x, i), x1 = FloatVector.fromArray(S, x, in + i);
                FloatVector x2 = FloatVector.fromArray(S, x, 2 * in + i), x3 = FloatVector.fromArray(S, x, 3 * in + i);
                a0 = wa.fma(x0, a0); a1 = wa.fma(x1, a1); a2 = wa.fma(x2, a2); a3 = wa.fma(x3, a3);
                b0 = wb.fma(x0, b0); b1 = wb.fma(x1, b1); b2 = wb.fma(x2, b2); b3 = wb.fma(x3, b3);
            }
            store(sums, out, first + j, a0, a1, a2, a3);
            store(sums, out, first + j + 1, b0, b1, b2, b3);
            for (int i = vectorEnd; i < in; i++) {
                float wa = w.getFloat(4 * (rowA + i)), wb = w.getFloat(4 * (rowB + i));
                for (int r = 0; r < ROWS; r++) {
                    sums[r * out + first + j] += wa * x[r * in + i];
                    sums[r * out + first + j + 1] += wb * x[r * in + i];
                }
            }
        }
        if (j < rows) {   // an odd last row of W
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            int rowA = j * in;
            for (int i = 0; i < vectorEnd; i += S.length()) {
                FloatVector wa = load(w, rowA + i);
                a0 = wa.fma(FloatVector.fromArray(S, x, i), a0);
                a1 = wa.fma(FloatVector.fromArray(S, x, in + i), a1);
                a2 = wa.fma(FloatVector.fromArray(S, x, 2 * in + i), a2);
                a3 = wa.fma(FloatVector.fromArray(S, x, 3 * in + i), a3);
            }
            store(sums, out, first + j, a0, a1, a2, a3);
            for (int i = vectorEnd; i < in; i++) {
                for (int r = 0; r < ROWS; r++) sums[r * out + first + j] += w.getFloat(4 * (rowA + i)) * x[r * in + i];
            }
        }
    }

    private static FloatVector load(ByteBuffer w, int index) {
        return FloatVector.fromByteBuffer(S, w, 4 * index, ByteOrder.nativeOrder());
    }

    private static void store(float[] sums, int out, int j, FloatVector r0, FloatVector r1, FloatVector r2, FloatVector r3) {
        sums[j] = r0.reduceLanes(VectorOperators.ADD);
        sums[out + j] = r1.reduceLanes(VectorOperators.ADD);
        sums[2 * out + j] = r2.reduceLanes(VectorOperators.ADD);
        sums[3 * out + j] = r3.reduceLanes(VectorOperators.ADD);
    }

    /** W's rows in parts: one per thread when W is large, more when a part would pass {@code PART_BYTES}. */
    private static Part[] split(INDArray w, int threads) {
        long rows = w.size(0), rowBytes = 4 * w.size(1), bytes = rows * rowBytes;
        int count = (int) Math.max(bytes >= PARALLEL_BYTES ? Math.min(threads, rows) : 1, (bytes + PART_BYTES - 1) / PART_BYTES);
        Part[] parts = new Part[count];
        FloatPointer base = new FloatPointer(w.data().addressPointer());
        for (int p = 0; p < count; p++) {
            long first = rows * p / count, last = rows * (p + 1) / count;
            // JavaCPP's buffer spans from the address with its position at the part: slice() starts it there
            ByteBuffer b = base.position(first * w.size(1)).limit(last * w.size(1)).asByteBuffer().slice().order(ByteOrder.nativeOrder());
            parts[p] = new Part(b, (int) first, (int) (last - first));
        }
        return parts;
    }

    /** The array's elements from its first one on (a view's address includes its offset), over its native memory. */
    private static ByteBuffer bytes(INDArray a) {
        long span = 1 + (a.size(0) - 1) * a.stride(0) + (a.size(1) - 1) * a.stride(1);
        FloatPointer p = new FloatPointer(a.data().addressPointer());
        return p.position(0).limit(span).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            pool = Executors.newFixedThreadPool(Math.max(1, THREADS - 1), r -> {
                Thread t = new Thread(r, "tarpo-vector-projection");
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    /** OpenMP's rule: a positive {@code OMP_NUM_THREADS}, else every processor. */
    static int threads(String ompNumThreads) {
        try {
            int t = ompNumThreads == null ? 0 : Integer.parseInt(ompNumThreads.trim());
            return t > 0 ? t : Runtime.getRuntime().availableProcessors();
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}

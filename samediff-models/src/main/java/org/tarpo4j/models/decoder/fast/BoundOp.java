package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A libnd4j custom op bound once to its arrays and arguments, so that running it again costs only the native call:
 * measured ~1.3 µs a call against ~7.5 µs for {@code Nd4j.exec(DynamicCustomOp.builder(...).build())}, which builds
 * the op and a fresh native context every time. The arrays are read when it runs, so buffers updated in place are
 * seen; an input or output that moves (a view of the next cache position) is rebound with {@link #input}/{@link #output}
 * (~1 µs). Runs on whichever backend ND4J loaded. Its owner releases the native context with {@link #close} (a
 * decoder, and its ops, live for one rollout batch).
 */
final class BoundOp implements AutoCloseable {
    private final CustomOp op;
    private final OpContext context;

    /** Ops made while a registry is open on this thread are added to it, so their owner can close them all. */
    private static final ThreadLocal<java.util.List<BoundOp>> REGISTRY = new ThreadLocal<>();

    /** Collects, on this thread, every op created until the returned list is handed back to {@link #stopCollecting}. */
    static java.util.List<BoundOp> collect(java.util.List<BoundOp> into) {
        java.util.List<BoundOp> previous = REGISTRY.get();
        REGISTRY.set(into);
        return previous;
    }

    static void stopCollecting(java.util.List<BoundOp> previous) {
        REGISTRY.set(previous);
    }

    private BoundOp(String name, INDArray[] inputs, INDArray[] outputs, long[] integerArgs, double[] floatArgs) {
        java.util.List<BoundOp> registry = REGISTRY.get();
        if (registry != null) registry.add(this);
        this.op = DynamicCustomOp.builder(name).build();
        this.context = Nd4j.getExecutioner().buildContext();
        context.setInputArrays(inputs);
        context.setOutputArrays(outputs);
        if (integerArgs.length > 0) context.setIArguments(integerArgs);
        if (floatArgs.length > 0) context.setTArguments(floatArgs);
    }

    /** {@code name(inputs) -> output} with integer arguments. */
    static BoundOp of(String name, INDArray[] inputs, INDArray output, long... integerArgs) {
        return new BoundOp(name, inputs, new INDArray[]{output}, integerArgs, new double[0]);
    }

    /** {@code a ∘ b -> out} for a broadcasting pairwise op ({@code multiply}, {@code add}, ...). */
    static BoundOp pairwise(String name, INDArray a, INDArray b, INDArray out) {
        return of(name, new INDArray[]{a, b}, out);
    }

    /**
     * {@code out = x Wᵀ (+ out when accumulating)}, {@code matmul} with its alpha/beta arguments; for a rank-1 {@code x}
     * pass {@code transposeB = false} and the operands as {@code (W, x)}: the matrix-vector form.
     */
    static BoundOp matmul(INDArray a, INDArray b, INDArray out, boolean transposeB, boolean accumulate) {
        return matmul(a, b, out, transposeB, 1.0, accumulate);
    }

    /** As {@link #matmul(INDArray, INDArray, INDArray, boolean, boolean)}, the product scaled by {@code alpha}. */
    static BoundOp matmul(INDArray a, INDArray b, INDArray out, boolean transposeB, double alpha, boolean accumulate) {
        long[] transposes = transposeB ? new long[]{0, 1} : new long[0];
        return new BoundOp("matmul", new INDArray[]{a, b}, new INDArray[]{out}, transposes,
                new double[]{alpha, accumulate ? 1.0 : 0.0});
    }

    BoundOp input(int index, INDArray array) {
        context.setInputArray(index, array);
        return this;
    }

    BoundOp output(int index, INDArray array) {
        context.setOutputArray(index, array);
        return this;
    }

    void run() {
        Nd4j.exec(op, context);
    }

    /** Releases the native context now (else ND4J's deallocator does, once the garbage collector finds it). */
    @Override
    public void close() {
        try {
            context.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not release an op context", e);
        }
    }
}

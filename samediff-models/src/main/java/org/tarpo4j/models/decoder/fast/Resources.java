package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.NativeArrays;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a {@link FastDecoder} owns natively, released together by {@link #close}: its buffers, cache and tables, and
 * the native contexts of the ops bound to them (the garbage collector would free them only when the heap fills).
 */
final class Resources implements AutoCloseable {
    private final NativeArrays arrays = new NativeArrays();
    private final List<BoundOp> ops = new ArrayList<>();

    /** Keeps {@code a} until {@link #close}; returns it. */
    INDArray track(INDArray a) {
        return arrays.track(a);
    }

    /** Runs {@code make}, keeping every op it binds until {@link #close}. */
    <T> T binding(Supplier<T> make) {
        List<BoundOp> previous = BoundOp.collect(ops);
        try {
            return make.get();
        } finally {
            BoundOp.stopCollecting(previous);
        }
    }

    @Override
    public void close() {
        ops.forEach(BoundOp::close);
        ops.clear();
        arrays.close();
    }
}

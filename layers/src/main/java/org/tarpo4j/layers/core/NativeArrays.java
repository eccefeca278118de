package org.tarpo4j.layers.core;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Arrays made for one piece of work (a training step, a rollout, an evaluation batch), closed together when it ends:
 * their native memory is released at once instead of waiting for the garbage collector to find the arrays, which
 * it does only when the heap fills (a long run otherwise grew by tens of MB a step).
 */
public final class NativeArrays implements AutoCloseable {
    private final List<INDArray> arrays = new ArrayList<>();

    /** Registers {@code a} to be closed with the others; returns it. */
    public INDArray track(INDArray a) {
        if (a != null) arrays.add(a);
        return a;
    }

    public void trackAll(Collection<INDArray> all) {
        for (INDArray a : all) track(a);
    }

    /** Closes {@code a} now if it can be (a view or an array already closed is left alone). */
    public static void close(INDArray a) {
        if (a != null && a.closeable()) a.close();
    }

    @Override
    public void close() {
        for (INDArray a : arrays) close(a);
        arrays.clear();
    }
}

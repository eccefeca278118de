package org.tarpo4j.models.decoder.fast;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * The key/value cache of every layer, preallocated to a capacity ({@code [B, Hkv, capacity, D]} each), with what the
 * mask needs of each cached position (valid or padding, its position). Views of it (one position, the first S) are made
 * once and reused. It grows, by copying, when more positions come than it holds.
 */
final class KvCache {
    private final Dims dims;
    private final DataType dt;
    private final Resources owner;
    private final INDArray[] keys, values;
    private int capacity, length;
    private int[][] valid, keyPosition;   // per row and cached position
    private final int[] validCount;
    private INDArray[][] keySlots, valueSlots, keysUpTo, valuesUpTo;

    KvCache(Dims dims, DataType dt, int capacity, Resources owner) {
        this.dims = dims;
        this.dt = dt;
        this.owner = owner;
        this.capacity = capacity;
        this.keys = new INDArray[dims.layers()];
        this.values = new INDArray[dims.layers()];
        for (int l = 0; l < keys.length; l++) {
            keys[l] = owner.track(Nd4j.create(dt, dims.batch(), dims.kvHeads(), capacity, dims.headDim()));
            values[l] = owner.track(Nd4j.create(dt, dims.batch(), dims.kvHeads(), capacity, dims.headDim()));
        }
        resetViews();
        this.valid = new int[dims.batch()][capacity];
        this.keyPosition = new int[dims.batch()][capacity];
        this.validCount = new int[dims.batch()];
    }

    int length() { return length; }

    int capacity() { return capacity; }

    int[][] valid() { return valid; }

    int[][] keyPosition() { return keyPosition; }

    /**
     * Makes room for {@code t} more positions and records their validity and positions ({@code cumsum(valid) - 1});
     * their keys and values are written by {@link #store}, layer by layer, then {@link #advance} ends the step.
     */
    void append(int[][] newValid, int t) {
        ensureCapacity(length + t);
        for (int b = 0; b < dims.batch(); b++) {
            for (int j = 0; j < t; j++) {
                int v = newValid[b][j] != 0 ? 1 : 0;
                validCount[b] += v;
                valid[b][length + j] = v;
                keyPosition[b][length + j] = validCount[b] - 1;
            }
        }
    }

    /** The step's T positions are in every layer. */
    void advance(int t) { length += t; }

    /** Writes the step's keys and values into layer l at positions {@code [length, length + T)}. */
    void store(int l, StepBuffers wk) {
        if (wk.t == 1) {
            slot(keySlots, keys, l, length).assign(wk.k4);
            slot(valueSlots, values, l, length).assign(wk.v4);
        } else {
            INDArrayIndex all = NDArrayIndex.all(), slot = NDArrayIndex.interval(length, length + wk.t);
            int b = dims.batch(), kv = dims.kvHeads(), hd = dims.headDim();
            keys[l].get(all, all, slot, all).assign(wk.kPart.reshape(b, wk.t, kv, hd).permute(0, 2, 1, 3));
            values[l].get(all, all, slot, all).assign(wk.v.reshape(b, wk.t, kv, hd).permute(0, 2, 1, 3));
        }
    }

    /** Layer l's keys of the first s positions, {@code [B, Hkv, s, D]}. */
    INDArray keys(int l, int s) { return upTo(keysUpTo, keys, l, s); }

    /** Layer l's values of the first s positions. */
    INDArray values(int l, int s) { return upTo(valuesUpTo, values, l, s); }

    private INDArray slot(INDArray[][] slots, INDArray[] cache, int l, int p) {
        if (slots[l][p] == null) {
            INDArrayIndex all = NDArrayIndex.all();
            slots[l][p] = cache[l].get(all, all, NDArrayIndex.interval(p, p + 1), all);
        }
        return slots[l][p];
    }

    private INDArray upTo(INDArray[][] views, INDArray[] cache, int l, int s) {
        if (views[l][s] == null) {
            INDArrayIndex all = NDArrayIndex.all();
            views[l][s] = cache[l].get(all, all, NDArrayIndex.interval(0, s), all);
        }
        return views[l][s];
    }

    private void resetViews() {
        keySlots = new INDArray[keys.length][capacity + 1];
        valueSlots = new INDArray[keys.length][capacity + 1];
        keysUpTo = new INDArray[keys.length][capacity + 1];
        valuesUpTo = new INDArray[keys.length][capacity + 1];
    }

    private void ensureCapacity(int needed) {
        if (needed <= capacity) return;
        int grown = Math.max(needed, 2 * capacity);
        for (int l = 0; l < keys.length; l++) {
            keys[l] = grow(keys[l], grown);
            values[l] = grow(values[l], grown);
        }
        for (int b = 0; b < dims.batch(); b++) {
            valid[b] = Arrays.copyOf(valid[b], grown);
            keyPosition[b] = Arrays.copyOf(keyPosition[b], grown);
        }
        capacity = grown;
        resetViews();
    }

    private INDArray grow(INDArray cache, int grown) {
        INDArray bigger = owner.track(Nd4j.create(dt, dims.batch(), dims.kvHeads(), grown, dims.headDim()));
        if (length > 0) {
            INDArrayIndex all = NDArrayIndex.all(), used = NDArrayIndex.interval(0, length);
            bigger.get(all, all, used, all).assign(cache.get(all, all, used, all));
        }
        return bigger;
    }
}

package org.tarpo4j.layers.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arrays behind a graph's trainable variables, by name.
 *
 * <p>Layers ask for a parameter by name and shape; a stored array (e.g. loaded from a checkpoint) is used as is,
 * shared by reference with every graph built from this object, otherwise a fresh one is initialised. The seed of a
 * fresh array depends only on the global seed and the parameter's name, so the order layers are built in does not
 * change the model.
 */
public final class Parameters {
    private final Map<String, INDArray> arrays = new LinkedHashMap<>();
    private final DataType dtype;
    private final long seed;

    /**
     * An empty set: layers create and initialise their parameters in it.
     *
     * @param dtype the parameters' floating-point type
     * @param seed  the model seed that every fresh parameter's seed derives from
     */
    public Parameters(DataType dtype, long seed) {
        this.dtype = dtype;
        this.seed = seed;
    }

    /**
     * Parameters backed by existing arrays (taken by reference, not copied).
     *
     * @param arrays by name, each of type {@code dtype}
     * @param dtype  their type
     * @param seed   the seed of parameters created later
     * @return the parameters
     */
    public static Parameters of(Map<String, INDArray> arrays, DataType dtype, long seed) {
        Parameters p = new Parameters(dtype, seed);
        arrays.forEach(p::put);
        return p;
    }

    /** @return the parameters' floating-point type */
    public DataType dtype() { return dtype; }

    /**
     * The stored array of {@code name} with the given shape, or a freshly initialised one that is then stored.
     *
     * @param name  the parameter's name
     * @param init  how a new array is filled
     * @param shape the expected shape
     * @return the live array
     * @throws IllegalArgumentException when a stored array has another shape
     */
    public INDArray getOrCreate(String name, Init init, long... shape) {
        INDArray existing = arrays.get(name);
        if (existing != null) {
            if (!Arrays.equals(existing.shape(), shape)) {
                throw new IllegalArgumentException("parameter '" + name + "' has shape " + Arrays.toString(existing.shape())
                        + " but the model expects " + Arrays.toString(shape));
            }
            return existing;
        }
        INDArray created = init.create(dtype, shape, seedFor(seed, name));
        arrays.put(name, created);
        return created;
    }

    /**
     * The seed of a freshly initialised parameter: the global seed mixed with the name, never with the build order.
     *
     * @param seed the parameters' global seed
     * @param name the parameter's name
     * @return its own seed
     */
    public static long seedFor(long seed, String name) {
        return seed ^ (0x9E3779B97F4A7C15L * (name.hashCode() + 1L));
    }

    /**
     * Stores an array (by reference), replacing any of the same name.
     *
     * @param name  the parameter's name
     * @param array of type {@link #dtype()}
     */
    public void put(String name, INDArray array) {
        if (array.dataType() != dtype) {
            throw new IllegalArgumentException("parameter '" + name + "' is " + array.dataType() + ", expected " + dtype);
        }
        arrays.put(name, array);
    }

    /**
     * @param name a parameter name
     * @return whether it is stored
     */
    public boolean contains(String name) { return arrays.containsKey(name); }

    /**
     * The live array of a parameter (updating it in place updates every graph built on it).
     *
     * @param name a stored parameter's name
     * @return its array
     * @throws IllegalArgumentException for an unknown name
     */
    public INDArray get(String name) {
        INDArray a = arrays.get(name);
        if (a == null) throw new IllegalArgumentException("no parameter named '" + name + "'");
        return a;
    }

    /** @return all arrays in creation order; a read-only view whose arrays are the live ones */
    public Map<String, INDArray> asMap() { return Collections.unmodifiableMap(arrays); }

    /** @return the number of scalar parameters, over all arrays */
    public long count() {
        return arrays.values().stream().mapToLong(INDArray::length).sum();
    }
}

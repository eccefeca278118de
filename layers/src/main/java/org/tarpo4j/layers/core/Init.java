package org.tarpo4j.layers.core;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/** How a parameter is initialised when no stored value exists for it. Deterministic given the seed. */
@FunctionalInterface
public interface Init {
    /**
     * A new array.
     *
     * @param dtype the array's type
     * @param shape its shape
     * @param seed  the parameter's own seed (derived from the model seed and the parameter's name)
     * @return the initialised array
     */
    INDArray create(DataType dtype, long[] shape, long seed);

    /**
     * Normal(0, std²).
     *
     * @param std the standard deviation
     * @return the initialiser
     */
    static Init normal(double std) {
        return (dt, shape, seed) -> {
            SplittableRandom rng = new SplittableRandom(seed);
            return filled(dt, shape, () -> gaussian(rng) * std);
        };
    }

    /**
     * Uniform(-bound, bound); PEFT initialises LoRA A this way (Kaiming-uniform with a = sqrt(5) gives 1/sqrt(fan_in)).
     *
     * @param bound the half-width
     * @return the initialiser
     */
    static Init uniform(double bound) {
        return (dt, shape, seed) -> {
            SplittableRandom rng = new SplittableRandom(seed);
            return filled(dt, shape, () -> (2 * rng.nextDouble() - 1) * bound);
        };
    }

    /**
     * Every entry equal.
     *
     * @param value the entries' value
     * @return the initialiser
     */
    static Init constant(double value) {
        return (dt, shape, seed) -> Nd4j.valueArrayOf(shape, value, dt);
    }

    /** @return zeros */
    static Init zeros() { return constant(0.0); }

    /** @return ones */
    static Init ones() { return constant(1.0); }

    /**
     * Exactly the given values (row-major), e.g. a router bias {@code [b0, 0]}.
     *
     * @param values as many as the shape has entries
     * @return the initialiser
     */
    static Init values(double... values) {
        return (dt, shape, seed) -> {
            if (numel(shape) != values.length) {
                throw new IllegalArgumentException("Init.values: " + values.length + " values for shape " + Arrays.toString(shape));
            }
            return Nd4j.create(values.clone(), shape, dt);
        };
    }

    /**
     * A row-major array of the next {@code numel(shape)} draws, written through the native buffer in chunks: a Java
     * array of a whole real-size table (151,936 × 896 doubles) would not fit a small heap.
     */
    private static INDArray filled(DataType dt, long[] shape, DoubleSupplier next) {
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) throw new IllegalArgumentException("random init needs FLOAT or DOUBLE, got " + dt);
        INDArray a = Nd4j.createUninitialized(dt, shape);
        ByteBuffer bytes = a.data().asNio().order(ByteOrder.nativeOrder());
        long n = numel(shape);
        if (dt == DataType.FLOAT) {
            FloatBuffer out = bytes.asFloatBuffer();
            float[] chunk = new float[(int) Math.min(n, 1 << 16)];
            for (long done = 0; done < n; ) {
                int k = (int) Math.min(chunk.length, n - done);
                for (int i = 0; i < k; i++) chunk[i] = (float) next.getAsDouble(); // as Nd4j.create(double[], FLOAT) rounds
                out.put(chunk, 0, k);
                done += k;
            }
        } else {
            DoubleBuffer out = bytes.asDoubleBuffer();
            for (long i = 0; i < n; i++) out.put(next.getAsDouble());
        }
        return a;
    }

    /**
     * Entries in an array of a shape.
     *
     * @param shape the shape
     * @return the product of its dimensions
     */
    static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) n *= s;
        return n;
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller; rng.nextDouble() is in [0,1), so 1 - u is in (0,1] and the log is finite
        double u1 = 1.0 - rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}

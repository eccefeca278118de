package org.tarpo4j.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small helpers for building float32 arrays and comparing them bit for bit. */
final class Arrays32 {
    private Arrays32() {}

    /** The array's values in C order, as float32. */
    static float[] flat(INDArray a) {
        if (a.length() == 0) return new float[0];
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /** A C-order float32 array with the given values and shape. */
    static INDArray array(float[] values, long... shape) {
        return Nd4j.create(values, shape, 'c');
    }

    /** Gaussian-ish values with a spread of magnitudes. */
    static float[] random(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(10, rnd.nextInt(-6, 4)));
        return v;
    }

    /** Same shape, float32, and identical bit patterns (so NaN, -0.0 and subnormals count). */
    static void assertBitExact(float[] expected, long[] expectedShape, INDArray actual) {
        assertEquals(DataType.FLOAT, actual.dataType());
        assertArrayEquals(expectedShape, actual.shape());
        float[] got = flat(actual);
        assertEquals(expected.length, got.length);
        for (int i = 0; i < expected.length; i++) {
            int want = Float.floatToRawIntBits(expected[i]);
            int have = Float.floatToRawIntBits(got[i]);
            if (want != have) {
                throw new AssertionError("index " + i + ": expected " + expected[i] + " (0x" + Integer.toHexString(want)
                        + ") but was " + got[i] + " (0x" + Integer.toHexString(have) + ")");
            }
        }
    }

    /** Each value rounded through F16 by {@link HalfFloats} (the tested reference conversion). */
    static float[] viaF16(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = HalfFloats.f16ToFloat(HalfFloats.floatToF16(v[i]));
        return out;
    }

    /** Each value rounded through BF16 by {@link HalfFloats}. */
    static float[] viaBf16(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(v[i]));
        return out;
    }
}

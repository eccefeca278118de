package org.tarpo4j.models.io;

/**
 * Bit-exact conversions between float32 and the two 16-bit float formats of checkpoints: IEEE 754 binary16 (F16)
 * and bfloat16 (BF16). Widening is exact; narrowing rounds to nearest, ties to even, overflows to infinity and keeps
 * NaN a NaN. (Java 17 has no {@code Float.float16ToFloat}.)
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** The float32 value of an F16 bit pattern (subnormals, infinities and NaN included). */
    public static float f16ToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13)); // inf, or NaN with payload
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f; // subnormal (or zero): exact, mant < 2^10
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp + (127 - 15)) << 23) | (mant << 13));
    }

    /** The F16 bit pattern nearest to {@code x} (ties to even). */
    public static short floatToF16(float x) {
        int f = Float.floatToRawIntBits(x);
        int sign = (f >>> 16) & 0x8000;
        int exp = (f >>> 23) & 0xFF;
        int mant = f & 0x7FFFFF;
        if (exp == 0xFF) {
            // keep NaN a NaN even when its payload sits only in the 13 dropped bits
            return (short) (sign | 0x7C00 | (mant == 0 ? 0 : 0x200 | (mant >>> 13)));
        }
        int e = exp - 127 + 15; // the biased F16 exponent
        if (e >= 0x1F) return (short) (sign | 0x7C00);
        if (e <= 0) {
            if (e < -10) return (short) sign; // below half the smallest subnormal
            return (short) (sign | roundShiftRight(mant | 0x800000, 14 - e));
        }
        // a carry out of the mantissa correctly bumps the exponent, up to infinity (0x7C00)
        return (short) (sign | roundShiftRight((e << 23) | mant, 13));
    }

    /** The float32 value of a BF16 bit pattern: the upper 16 bits of a float32. */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The BF16 bit pattern nearest to {@code x} (ties to even). */
    public static short floatToBf16(float x) {
        int f = Float.floatToRawIntBits(x);
        if ((f & 0x7FFFFFFF) > 0x7F800000) return (short) ((f >>> 16) | 0x0040); // quiet NaN, never rounded to inf
        return (short) (roundShiftRight(f, 16));
    }

    /** {@code value >>> shift} rounded to nearest, ties to even ({@code value} non-negative, 1 <= shift <= 30). */
    private static int roundShiftRight(int value, int shift) {
        int result = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (result & 1) == 1)) result++;
        return result;
    }
}

package org.tarpo4j.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** F16 / BF16 bit conversions against hand-computed bit patterns and an independent nearest-value search. */
class HalfFloatsTest {

    private static int f16(float x) {
        return HalfFloats.floatToF16(x) & 0xFFFF;
    }

    private static int bf16(float x) {
        return HalfFloats.floatToBf16(x) & 0xFFFF;
    }

    private static void assertSameBits(float expected, float actual) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                () -> "expected " + expected + " got " + actual);
    }

    @Test
    void f16EncodesHandComputedPatterns() {
        assertEquals(0x3C00, f16(1.0f));
        assertEquals(0xC000, f16(-2.0f));
        assertEquals(0x7BFF, f16(65504f));                     // largest finite half
        assertEquals(0x0001, f16(0x1p-24f));                   // smallest subnormal
        assertEquals(0x03FF, f16(1023 * 0x1p-24f));            // largest subnormal
        assertEquals(0x0400, f16(0x1p-14f));                   // smallest normal
        assertEquals(0x3555, f16(1f / 3f));
        assertEquals(0x0000, f16(0.0f));
        assertEquals(0x8000, f16(-0.0f));
        assertEquals(0x7C00, f16(Float.POSITIVE_INFINITY));
        assertEquals(0xFC00, f16(Float.NEGATIVE_INFINITY));
        int nan = f16(Float.NaN);
        assertEquals(0x7C00, nan & 0x7C00, "NaN keeps an all-ones exponent");
        assertTrue((nan & 0x03FF) != 0, "NaN keeps a non-zero mantissa");
        // a NaN whose payload lives only in the low 13 bits must not collapse to infinity
        assertTrue((f16(Float.intBitsToFloat(0x7F800001)) & 0x03FF) != 0);
    }

    @Test
    void f16RoundsToNearestEven() {
        assertEquals(0x3C00, f16(1f + 0x1p-11f));              // tie between 0x3C00 and 0x3C01 -> even
        assertEquals(0x3C02, f16(1f + 3 * 0x1p-11f));          // tie between 0x3C01 and 0x3C02 -> even
        assertEquals(0x3C01, f16(Math.nextUp(1f + 0x1p-11f))); // just above the tie -> up
        assertEquals(0x7BFF, f16(65519f));                     // below the overflow tie
        assertEquals(0x7C00, f16(65520f));                     // tie with 2^16 rounds to infinity
        assertEquals(0x7C00, f16(1e10f));
        assertEquals(0x0000, f16(0x1p-25f));                   // half the smallest subnormal: tie -> 0
        assertEquals(0x0001, f16(1.5f * 0x1p-25f));
        assertEquals(0x0002, f16(3 * 0x1p-25f));               // tie between 1 and 2 -> 2
        assertEquals(0x0400, f16(0x1p-14f - 0x1p-26f));        // subnormal that rounds up into the normals
        assertEquals(0x8000, f16(-1e-30f));
    }

    @Test
    void f16DecodesHandComputedPatterns() {
        assertSameBits(1.0f, HalfFloats.f16ToFloat((short) 0x3C00));
        assertSameBits(-2.0f, HalfFloats.f16ToFloat((short) 0xC000));
        assertSameBits(65504f, HalfFloats.f16ToFloat((short) 0x7BFF));
        assertSameBits(0x1p-24f, HalfFloats.f16ToFloat((short) 0x0001));
        assertSameBits(-1023 * 0x1p-24f, HalfFloats.f16ToFloat((short) 0x83FF));
        assertSameBits(-0.0f, HalfFloats.f16ToFloat((short) 0x8000));
        assertSameBits(Float.POSITIVE_INFINITY, HalfFloats.f16ToFloat((short) 0x7C00));
        assertSameBits(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0x7E00)));
        assertTrue(Float.isNaN(HalfFloats.f16ToFloat((short) 0xFC01)));
    }

    @Test
    void everyF16PatternSurvivesARoundTrip() {
        for (int h = 0; h <= 0xFFFF; h++) {
            float x = HalfFloats.f16ToFloat((short) h);
            boolean nan = (h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0;
            assertEquals(nan, Float.isNaN(x), "pattern 0x" + Integer.toHexString(h));
            if (!nan) assertEquals(h, f16(x), "pattern 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void f16MatchesANearestValueSearchOnRandomFloats() {
        float[] finite = positiveFiniteHalves();
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            // exponents spread from deep underflow to overflow
            float x = (float) ((rnd.nextDouble() * 2 - 1) * Math.pow(2, rnd.nextInt(-30, 18)));
            assertEquals(referenceF16(x, finite), f16(x), "x=" + x);
        }
    }

    @Test
    void bf16EncodesAndDecodesHandComputedPatterns() {
        assertEquals(0x3F80, bf16(1.0f));
        assertEquals(0xC000, bf16(-2.0f));
        assertEquals(0x7F80, bf16(Float.POSITIVE_INFINITY));
        assertEquals(0xFF80, bf16(Float.NEGATIVE_INFINITY));
        assertEquals(0x8000, bf16(-0.0f));
        assertSameBits(1.0f, HalfFloats.bf16ToFloat((short) 0x3F80));
        assertSameBits(-2.0f, HalfFloats.bf16ToFloat((short) 0xC000));
        assertSameBits(Float.intBitsToFloat(0x12340000), HalfFloats.bf16ToFloat((short) 0x1234));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat((short) 0x7FC0)));
        // NaN payload only in the dropped bits must stay NaN, not become infinity
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.intBitsToFloat(0x7F800001)))));
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals(0x3F80, bf16(Float.intBitsToFloat(0x3F808000))); // tie, 0x3F80 is even
        assertEquals(0x3F82, bf16(Float.intBitsToFloat(0x3F818000))); // tie, 0x3F81 is odd -> up
        assertEquals(0x3F81, bf16(Float.intBitsToFloat(0x3F808001))); // above the tie
        assertEquals(0x3F80, bf16(Float.intBitsToFloat(0x3F807FFF))); // below the tie
        assertEquals(0x7F80, bf16(Float.MAX_VALUE));                   // overflows to infinity
    }

    @Test
    void everyBf16PatternSurvivesARoundTrip() {
        for (int h = 0; h <= 0xFFFF; h++) {
            float x = HalfFloats.bf16ToFloat((short) h);
            assertEquals(h << 16, Float.floatToRawIntBits(x), "bf16 widens by appending 16 zero bits");
            if (!Float.isNaN(x)) assertEquals(h, bf16(x));
        }
    }

    /** Independent reference: the nearest finite half by binary search over all of them, ties to the even pattern. */
    private static int referenceF16(float x, float[] finite) {
        int sign = (Float.floatToRawIntBits(x) >>> 16) & 0x8000;
        double a = Math.abs((double) x);
        if (a >= 65520.0) return sign | 0x7C00; // 65504 + half an ulp(2^15 exponent) = 65520 rounds to inf
        int i = Arrays.binarySearch(finite, (float) a);
        if (i >= 0) return sign | i;
        int hi = -i - 1; // finite[hi-1] < a < finite[hi]
        if (hi == finite.length) return sign | 0x7BFF; // between 65504 and the overflow tie
        double dLo = a - finite[hi - 1], dHi = finite[hi] - a;
        int bits = dLo < dHi ? hi - 1 : dHi < dLo ? hi : ((hi - 1) % 2 == 0 ? hi - 1 : hi);
        return sign | bits;
    }

    /** All non-negative finite halves, indexed by their bit pattern 0x0000..0x7BFF (ascending). */
    private static float[] positiveFiniteHalves() {
        List<Float> values = new ArrayList<>();
        for (int e = 0; e < 31; e++) {
            for (int m = 0; m < 1024; m++) {
                double v = e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15);
                values.add((float) v);
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }
}

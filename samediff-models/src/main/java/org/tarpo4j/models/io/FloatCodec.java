package org.tarpo4j.models.io;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.ShortBuffer;

/** Converts between float32 values and the little-endian bytes of the float dtypes. */
final class FloatCodec {
    private FloatCodec() {}

    /** Decodes {@code n} elements of {@code dtype} from the start of {@code src} (little-endian) into {@code dst}. */
    static void decode(SafeTensorsDType dtype, ByteBuffer src, float[] dst, int n) {
        switch (dtype) {
            case F32 -> src.asFloatBuffer().get(dst, 0, n);
            case F64 -> {
                DoubleBuffer d = src.asDoubleBuffer();
                for (int i = 0; i < n; i++) dst[i] = (float) d.get(i); // round to nearest even
            }
            case F16 -> {
                ShortBuffer s = src.asShortBuffer();
                for (int i = 0; i < n; i++) dst[i] = HalfFloats.f16ToFloat(s.get(i));
            }
            case BF16 -> {
                ShortBuffer s = src.asShortBuffer();
                for (int i = 0; i < n; i++) dst[i] = HalfFloats.bf16ToFloat(s.get(i));
            }
            default -> throw new IllegalArgumentException(dtype + " is not a float type");
        }
    }

    /** Whether {@link #encode} supports {@code dtype}. */
    static boolean canEncode(SafeTensorsDType dtype) {
        return dtype == SafeTensorsDType.F32 || dtype == SafeTensorsDType.F16 || dtype == SafeTensorsDType.BF16;
    }

    /** Appends {@code n} values as {@code dtype} at {@code dst}'s position (little-endian), advancing it. */
    static void encode(SafeTensorsDType dtype, float[] src, int n, ByteBuffer dst) {
        switch (dtype) {
            case F32 -> {
                dst.asFloatBuffer().put(src, 0, n);
                dst.position(dst.position() + 4 * n);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) dst.putShort(HalfFloats.floatToF16(src[i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst.putShort(HalfFloats.floatToBf16(src[i]));
            }
            default -> throw new IllegalArgumentException("cannot write " + dtype);
        }
    }
}

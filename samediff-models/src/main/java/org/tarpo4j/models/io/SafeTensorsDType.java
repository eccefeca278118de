package org.tarpo4j.models.io;

import java.util.Optional;

/** The element types of the safetensors format, with their on-disk size and their name in the JSON header. */
public enum SafeTensorsDType {
    /** Boolean, one byte. */
    BOOL(1),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Signed 8-bit integer. */
    I8(1),
    /** 8-bit float, 5 exponent bits. */
    F8_E5M2(1),
    /** 8-bit float, 4 exponent bits. */
    F8_E4M3(1),
    /** Signed 16-bit integer. */
    I16(2),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** IEEE half precision. */
    F16(2),
    /** bfloat16. */
    BF16(2),
    /** Signed 32-bit integer. */
    I32(4),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** IEEE single precision. */
    F32(4),
    /** IEEE double precision. */
    F64(8),
    /** Signed 64-bit integer. */
    I64(8),
    /** Unsigned 64-bit integer. */
    U64(8);

    private final int byteSize;

    SafeTensorsDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** @return bytes per element */
    public int byteSize() {
        return byteSize;
    }

    /** @return the name used in the header's {@code "dtype"} field (e.g. {@code "BF16"}) */
    public String hfName() {
        return name();
    }

    /**
     * The type a model's weights are written in, from the command line's spelling: {@code bf16}/{@code bfloat16},
     * {@code f16}/{@code fp16}/{@code float16} or {@code f32}/{@code fp32}/{@code float32}.
     *
     * @param option the option's name, for the error
     * @param text   the spelling
     * @return BF16, F16 or F32
     */
    public static SafeTensorsDType ofModelWeights(String option, String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "bf16", "bfloat16" -> BF16;
            case "f16", "fp16", "float16" -> F16;
            case "f32", "fp32", "float32" -> F32;
            default -> throw new IllegalArgumentException(option + " must be bf16, f16 or f32, got '" + text + "'");
        };
    }

    /** @return PyTorch's name of a floating-point type, as config.json's {@code torch_dtype} gives it (e.g. {@code bfloat16}) */
    public String torchName() {
        return switch (this) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F64 -> "float64";
            case F32 -> "float32";
            default -> throw new IllegalArgumentException(this + " is not a floating-point model dtype");
        };
    }

    /** @return whether the reader converts this type to float (F64, F32, F16, BF16) */
    public boolean isReadableAsFloat() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /**
     * The type with this header name, if the format defines one (names are case-sensitive, as in the format).
     *
     * @param name a header {@code "dtype"}
     * @return the type, or empty
     */
    public static Optional<SafeTensorsDType> fromHfName(String name) {
        for (SafeTensorsDType t : values()) {
            if (t.hfName().equals(name)) return Optional.of(t);
        }
        return Optional.empty();
    }
}

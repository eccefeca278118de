package org.tarpo4j.models.io;

import java.util.Optional;

/** The element types of the safetensors format, with their on-disk size and their name in the JSON header. */
public enum SafeTensorsDType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    F64(8), I64(8), U64(8);

    private final int byteSize;

    SafeTensorsDType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The name used in the header's {@code "dtype"} field (e.g. {@code "BF16"}). */
    public String hfName() {
        return name();
    }

    /** PyTorch's name of a floating-point type, as config.json's {@code torch_dtype} gives it (e.g. {@code bfloat16}). */
    public String torchName() {
        return switch (this) {
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F64 -> "float64";
            case F32 -> "float32";
            default -> throw new IllegalArgumentException(this + " is not a floating-point model dtype");
        };
    }

    /** Whether {@link SafeTensorsFile#readFloat} can convert this type (F64, F32, F16, BF16). */
    public boolean isReadableAsFloat() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The type with this header name, if the format defines one (names are case-sensitive, as in the format). */
    public static Optional<SafeTensorsDType> fromHfName(String name) {
        for (SafeTensorsDType t : values()) {
            if (t.hfName().equals(name)) return Optional.of(t);
        }
        return Optional.empty();
    }
}

package org.tarpo4j.models.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes safetensors files byte by byte, so tests can build both valid and deliberately broken ones. */
final class RawSafeTensors {
    private RawSafeTensors() {}

    /** One header entry, e.g. {@code entry("a", "F32", "[2]", 0, 8)}. */
    static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
                + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    /** A JSON object holding the given entries. */
    static String header(String... entries) {
        return "{" + String.join(",", entries) + "}";
    }

    /** A file whose length prefix matches the header. */
    static Path write(Path file, String headerJson, byte[] data) throws IOException {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        return write(file, header.length, header, data);
    }

    /** A file with an arbitrary (possibly lying) length prefix followed by the given bytes. */
    static Path write(Path file, long declaredHeaderLength, byte[] header, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(declaredHeaderLength).put(header).put(data);
        Files.write(file, buf.array());
        return file;
    }

    /** Little-endian bytes of the given floats. */
    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    /** Little-endian bytes of the given doubles. */
    static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) b.putDouble(v);
        return b.array();
    }

    /** Little-endian bytes of the given 16-bit patterns. */
    static byte[] u16(short... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) b.putShort(v);
        return b.array();
    }

    /** The concatenation of byte arrays. */
    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }
}

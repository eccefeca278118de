package org.tarpo4j.rl.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;

/**
 * Java serialization to and from byte arrays. What a step sends to and gets back from executors goes as one byte array
 * per partition (and one for the broadcast weights), so that the bytes moved are counted exactly.
 */
final class JavaBytes {
    private JavaBytes() {}

    static byte[] write(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + o.getClass().getName() + ": " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /** The serialised form of {@code o}, or null when something in it is not {@link java.io.Serializable}. */
    static byte[] writeIfSerializable(Object o) {
        try {
            return write(o);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NotSerializableException) return null;
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T read(byte[] bytes) {
        // the context class loader: on an executor, the application's classes are there, not in the system loader
        try (ObjectInputStream in = new ContextObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (T) in.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot deserialise: " + e.getMessage(), e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot deserialise: class " + e.getMessage() + " is not on this JVM's class path", e);
        }
    }

    private static final class ContextObjectInputStream extends ObjectInputStream {
        ContextObjectInputStream(InputStream in) throws IOException { super(in); }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) return super.resolveClass(desc);
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc); // primitives and arrays of them
            }
        }
    }
}

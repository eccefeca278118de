package org.tarpo4j.models.memory;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * Hands the native heap's free pages back to the system at the end of a step. libnd4j allocates ND4J's arrays with
 * glibc's malloc; a step frees them all, but glibc keeps freed blocks resident in its arenas, and as a step's shapes
 * vary (completion lengths) the arenas fragment, so resident memory creeps up over a long run although nothing is
 * alive. {@code malloc_trim(0)} releases every free page of every arena.
 */
public final class NativeHeap {
    private static final Function MALLOC_TRIM = find();

    private NativeHeap() {}

    /**
     * Releases the native heap's free pages ({@code malloc_trim(0)}); nothing where the C library has no
     * {@code malloc_trim} (not glibc).
     *
     * @return whether memory was released
     */
    public static boolean trim() {
        return MALLOC_TRIM != null && MALLOC_TRIM.invokeInt(new Object[]{0}) == 1;
    }

    private static Function find() {
        try {
            return NativeLibrary.getInstance("c").getFunction("malloc_trim");
        } catch (UnsatisfiedLinkError e) {
            return null; // not glibc (macOS, musl): their allocators return memory their own way
        }
    }
}

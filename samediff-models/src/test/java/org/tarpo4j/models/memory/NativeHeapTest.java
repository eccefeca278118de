package org.tarpo4j.models.memory;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Freed malloc blocks stay resident under glibc until trimmed; {@link NativeHeap#trim()} hands them back. */
class NativeHeapTest {
    private static final int BLOCKS = 1600, BLOCK_BYTES = 64 * 1024; // 100 MB of blocks below the mmap threshold

    @Test
    void trimReturnsFreedBlocksToTheSystem() {
        List<Memory> blocks = new ArrayList<>();
        for (int i = 0; i < BLOCKS; i++) {
            Memory m = new Memory(BLOCK_BYTES);
            m.clear(); // touched: resident
            blocks.add(m);
        }
        // free all but the last, which keeps the heap's top in use so that free() cannot give the pages back itself
        for (Memory m : blocks.subList(0, BLOCKS - 1)) m.close();
        long freedButResident = MemoryProbe.now().residentBytes();
        boolean released = NativeHeap.trim();
        long afterTrim = MemoryProbe.now().residentBytes();
        blocks.get(BLOCKS - 1).close();
        assertTrue(released, "malloc_trim released nothing");
        assertTrue(freedButResident - afterTrim > 80L << 20,
                "resident " + (freedButResident >> 20) + " MB before the trim, " + (afterTrim >> 20) + " MB after");
    }
}

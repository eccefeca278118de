package org.tarpo4j.models.generation;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.BaseDataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.deallocation.DeallocatableReference;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The rollout picks each row's last position out of the prefill's {@code [B·width, ·]} outputs every step. It must
 * give exactly those rows and leave nothing for the garbage collector: M2.1's {@code getRows} left one buffer of
 * {@code B·width} tensor offsets per pulled row (128 of 17 KB a call on the embedded task, 4.5 MB a TARPO step).
 */
class LastPositionsTest {
    private static final int ROWS = 16, WIDTH = 5, COLUMNS = 3;

    @Test
    void eachRowsLastPositionIsPickedExactly() {
        try (INDArray outputs = Nd4j.arange(ROWS * WIDTH * COLUMNS).castTo(DataType.FLOAT).reshape(ROWS * WIDTH, COLUMNS);
             INDArray last = DecodeLoop.lastPositions(outputs, ROWS, WIDTH)) {
            assertEquals(ROWS, last.rows());
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < COLUMNS; c++) {
                    assertEquals(((r * WIDTH + WIDTH - 1) * COLUMNS + c), last.getFloat(r, c), 0f, "row " + r + ", column " + c);
                }
            }
        }
    }

    @Test
    void pickingLeavesNoBufferOfTheOutputsRowCountToTheCollector() throws Exception {
        long rowsByTime = (long) ROWS * WIDTH;
        try (INDArray outputs = Nd4j.rand(DataType.FLOAT, rowsByTime, COLUMNS)) {
            int before = unclosedLongBuffersOf(rowsByTime);
            for (int i = 0; i < 10; i++) DecodeLoop.lastPositions(outputs, ROWS, WIDTH).close();
            // getRows here: 10 calls x 16 rows = 160 buffers of 80 tensor offsets, never closed
            assertEquals(before, unclosedLongBuffersOf(rowsByTime));
        }
    }

    /** Buffers ND4J still tracks that nobody closed, of {@code length} longs (the size of a tensor-offset table here). */
    @SuppressWarnings("unchecked")
    private static int unclosedLongBuffersOf(long length) throws ReflectiveOperationException {
        Object service = Nd4j.getDeallocatorService();
        var field = service.getClass().getDeclaredField("referenceMap");
        field.setAccessible(true);
        int n = 0;
        for (DeallocatableReference r : new ArrayList<>(((Map<String, DeallocatableReference>) field.get(service)).values())) {
            if (r.get() instanceof BaseDataBuffer b && !b.wasClosed() && b.dataType() == DataType.LONG && b.length() == length) n++;
        }
        return n;
    }
}

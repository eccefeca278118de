package org.tarpo4j.examples.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MedianTest {
    @Test
    void theMiddleValueOrTheMeanOfTheTwoMiddleOnesAndTheSampleIsLeftAsItWas() {
        double[] odd = {5, 1, 3}, even = {4, 1, 3, 10};
        assertEquals(3, Median.of(odd), 0);
        assertEquals(3.5, Median.of(even), 0);
        assertArrayEquals(new double[]{4, 1, 3, 10}, even, 0);
        assertThrows(IllegalArgumentException.class, () -> Median.of(new double[0]));
    }
}

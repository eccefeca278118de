package org.tarpo4j.examples.stats;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeanIntervalTest {
    @Test
    void threeSeedsByHand() {
        // mean 0.453333; s = √((0.003333² + 0.016667² + 0.013333²)/2) = 0.0152753; × 4.302653 / √3 = 0.0379458
        MeanInterval m = MeanInterval.of(new double[]{0.45, 0.47, 0.44});
        assertEquals(0.4533333333, m.mean(), 1e-9);
        assertEquals(0.0379458303, m.halfWidth(), 1e-9);
        assertEquals(3, m.n());
    }

    @Test
    void pairedDifferencesAreTakenSeedBySeed() {
        // seeds given out of order: differences by seed 0..4 are 0.01 .. 0.05, mean 0.03, s = 0.0158114,
        // half-width 2.776445 × 0.0158114 / √5 = 0.0196324
        Map<Long, Double> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
        for (long s : new long[]{4, 2, 0, 3, 1}) {
            a.put(s, 0.40 + 0.01 * (s + 1) + 0.1 * s);
            b.put(s, 0.40 + 0.1 * s);
        }
        MeanInterval d = MeanInterval.paired(a, b);
        assertEquals(0.03, d.mean(), 1e-12);
        assertEquals(0.0196324316, d.halfWidth(), 1e-9);
        assertArrayEquals(new double[]{0.01, 0.02, 0.03, 0.04, 0.05}, d.values(), 1e-12);
        // unpaired, the seeds' shared 0.1·s spread would swamp the 0.03: the pairing is what makes it visible
        assertTrue(MeanInterval.of(new double[]{0.41, 0.52, 0.63, 0.74, 0.85}).halfWidth() > 0.1);
    }

    @Test
    void oneSeedHasNoIntervalAndMissingSeedsAreRefused() {
        MeanInterval one = MeanInterval.of(new double[]{0.5});
        assertEquals(0.5, one.mean());
        assertTrue(Double.isNaN(one.halfWidth()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeanInterval.paired(Map.of(0L, 0.1, 1L, 0.2), Map.of(0L, 0.1)));
        assertTrue(e.getMessage().contains("same seeds"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MeanInterval.of(new double[0]));
    }
}

package org.tarpo4j.examples.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StudentTTest {
    @Test
    void closedFormsForOneAndTwoDegreesOfFreedom() {
        // ν = 1 is Cauchy: P(|T| ≤ t) = 2 atan(t)/π, so t = tan(0.475π) = 12.7062047362
        assertEquals(12.7062047362, StudentT.critical(0.95, 1), 1e-8);
        // ν = 2: P(|T| ≤ t) = t/√(t² + 2), so t = √(2·0.95²/(1 - 0.95²)) = 4.3026527297
        assertEquals(4.3026527297, StudentT.critical(0.95, 2), 1e-8);
        assertEquals(0.5, StudentT.twoSidedMass(1, 1), 1e-15);
        assertEquals(1 / Math.sqrt(3), StudentT.twoSidedMass(1, 2), 1e-15);
        assertEquals(0.0, StudentT.twoSidedMass(0, 7), 0.0);
    }

    @Test
    void criticalValuesOfThePrintedTables() {
        // two-sided 95% points of the t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2)
        assertEquals(3.182446305, StudentT.critical(0.95, 3), 1e-7);
        assertEquals(2.776445105, StudentT.critical(0.95, 4), 1e-7);
        assertEquals(2.262157163, StudentT.critical(0.95, 9), 1e-7);
        assertEquals(2.045229642, StudentT.critical(0.95, 29), 1e-7);
        assertEquals(1.962339081, StudentT.critical(0.95, 1000), 1e-6);
        assertEquals(9.924843201, StudentT.critical(0.99, 2), 1e-7);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> StudentT.critical(0.95, 0));
        assertThrows(IllegalArgumentException.class, () -> StudentT.critical(1.0, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.twoSidedMass(-1, 3));
    }
}

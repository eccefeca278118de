package org.tarpo4j.rl.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AdvantagesTest {
    @Test
    void groupNormalisedWithBesselsStd() {
        // group 1: {1, 0, 0, 1}: mean .5, Bessel std sqrt(1/3) = .57735; group 2: {1, 1, 1, 0}: mean .75, std .5
        double[] a = Advantages.compute(new double[]{1, 0, 0, 1, 1, 1, 1, 0}, 4, Advantages.ScaleRewards.GROUP, true);
        double s1 = Math.sqrt(1.0 / 3) + 1e-4, s2 = 0.5 + 1e-4;
        assertArrayEquals(new double[]{0.5 / s1, -0.5 / s1, -0.5 / s1, 0.5 / s1, 0.25 / s2, 0.25 / s2, 0.25 / s2, -0.75 / s2}, a, 1e-12);
    }

    @Test
    void populationStdWithoutBessel() {
        double[] a = Advantages.compute(new double[]{2, 0}, 2, Advantages.ScaleRewards.GROUP, false);
        assertArrayEquals(new double[]{1 / (1 + 1e-4), -1 / (1 + 1e-4)}, a, 1e-12);
    }

    @Test
    void equalRewardsGiveExactlyZero() {
        double[] a = Advantages.compute(new double[]{0.1, 0.1, 0.1, 0.7, 0.2, 0.3}, 3, Advantages.ScaleRewards.GROUP, true);
        assertEquals(0.0, a[0]);
        assertEquals(0.0, a[1]);
        assertEquals(0.0, a[2]);
        assertEquals(0.5, Advantages.fractionZeroStd(new double[]{0.1, 0.1, 0.1, 0.7, 0.2, 0.3}, 3));
    }

    @Test
    void batchAndNoScaling() {
        double[] r = {1, 0, 3, 3};
        // batch std (Bessel) of {1,0,3,3}: mean 1.75, var = (0.5625+3.0625+1.5625+1.5625)/3 = 2.25 -> 1.5
        assertArrayEquals(new double[]{0.5 / 1.5001, -0.5 / 1.5001, 0, 0}, Advantages.compute(r, 2, Advantages.ScaleRewards.BATCH, true), 1e-12);
        assertArrayEquals(new double[]{0.5, -0.5, 0, 0}, Advantages.compute(r, 2, Advantages.ScaleRewards.NONE, true), 1e-12);
    }

    @Test
    void rewardsMustFormWholeGroups() {
        assertThrows(IllegalArgumentException.class, () -> Advantages.compute(new double[]{1, 2, 3}, 2, Advantages.ScaleRewards.GROUP, true));
    }
}

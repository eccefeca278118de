package org.tarpo4j.examples.stats;

import java.util.Arrays;

/** The median of a sample: the mean of the two middle values when their number is even. */
public final class Median {
    private Median() {}

    /**
     * @param x the sample (not changed), at least one value
     * @return its median
     */
    public static double of(double[] x) {
        if (x.length == 0) throw new IllegalArgumentException("the median of no values");
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}

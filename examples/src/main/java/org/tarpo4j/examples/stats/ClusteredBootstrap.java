package org.tarpo4j.examples.stats;

import org.tarpo4j.models.generation.Rng;

import java.util.Arrays;

/**
 * Percentile intervals of ratios of sums (soft steps / steps, correct / completions) by group, resampled the way the
 * data were made: seeds with replacement, then within each drawn seed its units (problems) with replacement, so the
 * interval carries both the seed-to-seed and the problem-to-problem variation. Every group's ratio is taken from the
 * same resample, and the draws come from one seeded {@link Rng}: the same input and seed give the same intervals.
 */
public final class ClusteredBootstrap {
    private ClusteredBootstrap() {}

    /**
     * A group's ratio on the data as they are, and its percentile interval.
     *
     * @param ratio       {@code Σ numerator / Σ denominator} over every seed and unit (NaN when the denominator is 0)
     * @param low         the 2.5% percentile of the resampled ratios
     * @param high        the 97.5% percentile
     * @param denominator the total denominator (steps, or completions): how much the ratio rests on
     */
    public record Ratio(double ratio, double low, double high, double denominator) {}

    /**
     * @param numerator   {@code [seed][unit][group]}: e.g. soft steps of a problem's completions in a token class
     * @param denominator the same shape: e.g. that problem's steps in the class
     * @param resamples   bootstrap resamples, at least 1
     * @param seed        seeds the draws
     * @return one ratio per group; a resample in which a group has no denominator gives no value for that group
     */
    public static Ratio[] ratios(double[][][] numerator, double[][][] denominator, int resamples, long seed) {
        int seeds = numerator.length;
        if (seeds == 0) throw new IllegalArgumentException("no seeds");
        if (denominator.length != seeds) throw new IllegalArgumentException("numerator and denominator differ in seeds");
        if (resamples < 1) throw new IllegalArgumentException("need at least one resample, got " + resamples);
        int groups = -1;
        for (int s = 0; s < seeds; s++) {
            if (numerator[s].length != denominator[s].length || numerator[s].length == 0) {
                throw new IllegalArgumentException("seed " + s + ": numerator and denominator need the same, non-zero number of units");
            }
            for (int u = 0; u < numerator[s].length; u++) {
                if (groups < 0) groups = numerator[s][u].length;
                if (numerator[s][u].length != groups || denominator[s][u].length != groups) {
                    throw new IllegalArgumentException("seed " + s + " unit " + u + ": every unit needs " + groups + " groups");
                }
            }
        }
        double[] num = new double[groups], den = new double[groups];
        for (int s = 0; s < seeds; s++) for (int u = 0; u < numerator[s].length; u++) add(num, den, numerator[s][u], denominator[s][u]);
        double[][] draws = new double[groups][resamples];
        int[] valid = new int[groups];
        Rng rng = new Rng(seed);
        double[] bn = new double[groups], bd = new double[groups];
        for (int b = 0; b < resamples; b++) {
            Arrays.fill(bn, 0);
            Arrays.fill(bd, 0);
            for (int i = 0; i < seeds; i++) {
                int s = rng.nextInt(seeds);
                int units = numerator[s].length;
                for (int j = 0; j < units; j++) {
                    int u = rng.nextInt(units);
                    add(bn, bd, numerator[s][u], denominator[s][u]);
                }
            }
            for (int g = 0; g < groups; g++) if (bd[g] > 0) draws[g][valid[g]++] = bn[g] / bd[g];
        }
        Ratio[] out = new Ratio[groups];
        for (int g = 0; g < groups; g++) {
            double[] v = Arrays.copyOf(draws[g], valid[g]);
            Arrays.sort(v);
            out[g] = new Ratio(den[g] > 0 ? num[g] / den[g] : Double.NaN, quantile(v, 0.025), quantile(v, 0.975), den[g]);
        }
        return out;
    }

    private static void add(double[] num, double[] den, double[] n, double[] d) {
        for (int g = 0; g < num.length; g++) {
            num[g] += n[g];
            den[g] += d[g];
        }
    }

    /**
     * The p-quantile of sorted values with linear interpolation between order statistics (Hyndman and Fan's type 7,
     * R's default): {@code h = (n - 1)p}, {@code x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋ + 1] - x[⌊h⌋])}.
     *
     * @param sorted ascending values
     * @param p      in [0, 1]
     * @return the quantile, NaN for no values
     */
    public static double quantile(double[] sorted, double p) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("p must be in [0, 1], got " + p);
        int n = sorted.length;
        if (n == 0) return Double.NaN;
        double h = (n - 1) * p;
        int lo = (int) Math.floor(h);
        if (lo >= n - 1) return sorted[n - 1];
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }
}

package org.tarpo4j.rl.eval;

/** Sample-based accuracy estimators over n samples of which c are correct. */
public final class PassAtK {
    private PassAtK() {}

    /**
     * The unbiased pass@k estimator (Chen et al. 2021): {@code 1 - C(n-c, k) / C(n, k)}, the probability that k of the
     * n samples drawn without replacement contain at least one correct one. Computed as a product to stay stable.
     *
     * @param n samples
     * @param c correct samples
     * @param k k, in (0, n]
     * @return pass@k
     * @throws IllegalArgumentException for k outside (0, n]
     */
    public static double unbiased(int n, int c, int k) {
        if (k > n || k <= 0) throw new IllegalArgumentException("need 0 < k <= n, got k=" + k + ", n=" + n);
        if (n - c < k) return 1.0;
        double miss = 1.0;
        for (int i = n - c + 1; i <= n; i++) miss *= 1.0 - (double) k / i;
        return 1.0 - miss;
    }

    /**
     * A 95% normal-approximation interval half-width of a mean over independent per-item values.
     *
     * @param values per-item values
     * @return the half-width, NaN for fewer than two values
     */
    public static double halfWidth95(double[] values) {
        int n = values.length;
        if (n < 2) return Double.NaN;
        double m = 0;
        for (double v : values) m += v;
        m /= n;
        double s = 0;
        for (double v : values) s += (v - m) * (v - m);
        return 1.959964 * Math.sqrt(s / (n - 1) / n);
    }
}

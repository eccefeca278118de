package org.tarpo4j.rl.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Sample-based accuracy estimators over the k samples of a problem: avg@k, pass@k, maj@k, and an interval. */
public final class PassAtK {
    private PassAtK() {}

    /**
     * avg@k: the share of the samples that are correct.
     *
     * @param k       samples, positive
     * @param correct correct samples
     * @return {@code correct / k}
     */
    public static double average(int k, int correct) {
        if (k <= 0) throw new IllegalArgumentException("need k > 0, got " + k);
        return (double) correct / k;
    }

    /**
     * maj@k: whether the answer given most often is correct (1) or not (0). Samples vote with their normalised answer
     * key (null: no answer, no vote); among keys with equal votes the first to reach that count wins; a key's
     * correctness is that of its first sample (every sample with the key has the same answer).
     *
     * @param keys    each sample's answer key, or null
     * @param correct each sample's correctness
     * @return 1 or 0 (0 when no sample has an answer)
     */
    public static double majority(List<String> keys, List<Boolean> correct) {
        if (keys.size() != correct.size()) throw new IllegalArgumentException(keys.size() + " keys for " + correct.size() + " samples");
        Map<String, Integer> votes = new HashMap<>();
        Map<String, Boolean> keyCorrect = new HashMap<>();
        String best = null;
        for (int j = 0; j < keys.size(); j++) {
            String key = keys.get(j);
            if (key == null) continue;
            int v = votes.merge(key, 1, Integer::sum);
            keyCorrect.putIfAbsent(key, correct.get(j));
            if (best == null || v > votes.get(best)) best = key;
        }
        return best != null && keyCorrect.get(best) ? 1 : 0;
    }

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

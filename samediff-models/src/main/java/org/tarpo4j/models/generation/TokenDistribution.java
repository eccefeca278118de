package org.tarpo4j.models.generation;

import java.util.Arrays;

/**
 * A processed next-token distribution over its surviving candidates, most likely first. This is TARPO's {@code p_t}:
 * the token is sampled from it, and a soft input is built from its top entries.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 *
 * @param ids   candidate token ids, by decreasing probability
 * @param probs their probabilities, summing to 1
 */
public record TokenDistribution(int[] ids, double[] probs) {
    public int size() { return ids.length; }

    /** Inverse-CDF draw with one uniform number. */
    public int sample(Rng rng) {
        double u = rng.nextDouble(), acc = 0;
        for (int i = 0; i < ids.length; i++) {
            acc += probs[i];
            if (u < acc) return ids[i];
        }
        return ids[ids.length - 1]; // rounding left u above the total
    }

    /** log p(id), or -infinity if the id was filtered out. */
    public double logProb(int id) {
        for (int i = 0; i < ids.length; i++) if (ids[i] == id) return Math.log(probs[i]);
        return Double.NEGATIVE_INFINITY;
    }

    /** The first k entries, renormalised to sum to 1 if asked (TARPO's soft-input weights). */
    public TokenDistribution top(int k, boolean renormalise) {
        int n = Math.min(k, ids.length);
        double[] p = Arrays.copyOf(probs, n);
        if (renormalise) {
            double total = 0;
            for (double v : p) total += v;
            for (int i = 0; i < n; i++) p[i] /= total;
        }
        return new TokenDistribution(Arrays.copyOf(ids, n), p);
    }

    public int argmax() { return ids[0]; }
}

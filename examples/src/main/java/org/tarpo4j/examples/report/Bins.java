package org.tarpo4j.examples.report;

import java.util.List;

/**
 * The fixed bins of the routing study, the same for every setting so that settings compare: the entropy of a step's
 * token distribution (nats, log-spaced: after SFT most steps are near-certain), a step's relative position among its
 * completion's freely routed steps, and a completion's share of soft steps.
 */
final class Bins {
    private Bins() {}

    static final List<String> ENTROPY = List.of("< 0.01", "0.01-0.1", "0.1-0.3", "0.3-1", ">= 1");
    private static final double[] ENTROPY_EDGES = {0.01, 0.1, 0.3, 1.0};

    static final List<String> POSITION = List.of("0-20%", "20-40%", "40-60%", "60-80%", "80-100%");

    static final List<String> SOFT_SHARE = List.of("0", "0-0.1", "0.1-0.2", "0.2-0.4", "0.4-1");
    private static final double[] SOFT_SHARE_EDGES = {0.0, 0.1, 0.2, 0.4};

    /** The entropy's bin: the first edge it is below, else the last ({@code [0, 0.01), [0.01, 0.1), ... [1, ∞)}). */
    static int entropy(double nats) {
        for (int i = 0; i < ENTROPY_EDGES.length; i++) if (nats < ENTROPY_EDGES[i]) return i;
        return ENTROPY_EDGES.length;
    }

    /**
     * Step {@code t} of {@code n} freely routed steps at relative position {@code (t + ½)/n}, in fifths: each step of a
     * completion counts once whatever its length.
     */
    static int position(int t, int n) {
        if (t < 0 || t >= n) throw new IllegalArgumentException("step " + t + " of " + n);
        return Math.min(POSITION.size() - 1, (int) Math.floor((t + 0.5) / n * POSITION.size()));
    }

    /** A completion's soft share: exactly 0, then {@code (0, 0.1], (0.1, 0.2], (0.2, 0.4], (0.4, 1]}. */
    static int softShare(double share) {
        for (int i = 0; i < SOFT_SHARE_EDGES.length; i++) if (share <= SOFT_SHARE_EDGES[i]) return i;
        return SOFT_SHARE_EDGES.length;
    }
}

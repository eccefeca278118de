package org.tarpo4j.rl.rollout;

/**
 * Watches a completion's text grow token by token and says when it first contains the answer marker, keeping only a
 * tail of marker-length characters instead of re-decoding the whole completion each step.
 */
final class MarkerDetector {
    private final String marker;
    private final StringBuilder tail = new StringBuilder();
    private boolean seen;

    MarkerDetector(String marker) { this.marker = marker; }

    /** Appends a token's text; returns whether the marker has appeared (now or before). */
    boolean append(String tokenText) {
        if (seen) return true;
        tail.append(tokenText);
        if (tail.indexOf(marker) >= 0) {
            seen = true;
        } else if (tail.length() > marker.length()) {
            tail.delete(0, tail.length() - (marker.length() - 1)); // a marker can only start in the last len-1 chars
        }
        return seen;
    }

    boolean seen() { return seen; }
}

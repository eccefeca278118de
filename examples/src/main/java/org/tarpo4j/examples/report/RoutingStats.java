package org.tarpo4j.examples.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Soft-step share per token class over held-out completions (a step counts under the class of its sampled token).
 * Only freely routed steps count: those after the answer marker are forced hard and say nothing about the router.
 */
record RoutingStats(Map<TokenClass, long[]> counts) {
    static RoutingStats of(List<JsonNode> completions, String marker) {
        Map<TokenClass, long[]> counts = new EnumMap<>(TokenClass.class);
        for (TokenClass c : TokenClass.values()) counts.put(c, new long[2]);
        for (JsonNode row : completions) {
            JsonNode tokens = row.get("tokens"), routes = row.get("routes");
            StringBuilder text = new StringBuilder();
            for (int t = 0; t < tokens.size(); t++) {
                if (text.indexOf(marker) >= 0) break; // forced hard from here on
                text.append(tokens.get(t).asText());
                long[] c = counts.get(TokenClass.of(tokens.get(t).asText()));
                c[0]++;
                c[1] += routes.get(t).asInt();
            }
        }
        return new RoutingStats(counts);
    }

    double softRatio(TokenClass c) {
        long[] x = counts.get(c);
        return x[0] == 0 ? Double.NaN : (double) x[1] / x[0];
    }

    long steps(TokenClass c) { return counts.get(c)[0]; }

    /** Fewer freely routed steps than this and a class's soft ratio is marked as too few to read much into. */
    static final int FEW_STEPS = 20;

    /** A class with its step count, e.g. {@code "digits (n=1234)"}, or {@code "special (n=3, few)"}. */
    static String label(TokenClass c, long steps) {
        return c.name().toLowerCase(java.util.Locale.ROOT) + " (n=" + steps + (steps < FEW_STEPS ? ", few" : "") + ")";
    }
}

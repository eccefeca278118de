package org.tarpo4j.examples.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.tarpo4j.examples.stats.ClusteredBootstrap;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The routing study's views on two hand-made completions, one per seed, every number worked out by hand. */
class RoutingUncertaintyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> A = List.of("2", "*", "3", "=", "6", " ", "#", "#", "#", "#", " ", "6", "<eos>");
    private static final List<String> B = List.of("4", "-", "1", "=", "3", " ", "#", "#", "#", "#", " ", "3", "<eos>");

    private static JsonNode row(String prompt, List<String> tokens, int[] routes, double[] entropies, double reward) {
        ObjectNode o = JSON.createObjectNode();
        o.put("prompt", prompt);
        tokens.forEach(o.putArray("tokens")::add);
        for (int r : routes) o.withArray("routes").add(r);
        if (entropies != null) for (double e : entropies) o.withArray("entropies").add(e);
        o.put("reward", reward);
        return o;
    }

    private static List<List<JsonNode>> data(boolean entropies) {
        // A (seed 0, right): soft at '2' and '6'; B (seed 1, wrong): soft at '-', '=' and the first '#'
        JsonNode a = row("Compute 2*3.", A, new int[]{1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0},
                entropies ? new double[]{0.5, 0.001, 0.2, 0.001, 0.05, 0.001, 0, 0, 0, 0, 0, 0, 0} : null, 1.0);
        JsonNode b = row("Compute 4-1.", B, new int[]{0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0},
                entropies ? new double[]{0.02, 0.4, 0.02, 2.0, 0.05, 0.001, 0.001, 0.001, 0.001, 0.001, 0, 0, 0} : null, 0.0);
        return List.of(List.of(a), List.of(b));
    }

    private static double[] ratios(RoutingUncertainty.View v) {
        double[] out = new double[v.ratios().length];
        for (int i = 0; i < out.length; i++) out[i] = v.ratios()[i].ratio();
        return out;
    }

    @Test
    void classesAndFreeStepsOfAChain() {
        ChainTokenClass[] c = ChainTokenClass.of(A, "####");
        List<ChainTokenClass> expected = new ArrayList<>(List.of(ChainTokenClass.DIGITS, ChainTokenClass.OPERATORS, ChainTokenClass.DIGITS,
                ChainTokenClass.EQUALS, ChainTokenClass.DIGITS, ChainTokenClass.SEPARATORS));
        for (int i = 0; i < 7; i++) expected.add(ChainTokenClass.ANSWER); // "####", " ", "6", "<eos>"
        assertEquals(expected, List.of(c));
        assertEquals(ChainTokenClass.SEPARATORS, ChainTokenClass.ofText(","));
        assertEquals(ChainTokenClass.OTHER, ChainTokenClass.ofText("C"));
        assertEquals(10, RoutingUncertainty.freeSteps(A, "####"), "through the marker's last '#'");
        assertEquals(3, RoutingUncertainty.freeSteps(List.of("1", "2", "3"), "####"));
    }

    @Test
    void binsByHand() {
        assertEquals(0, Bins.entropy(0.005));
        assertEquals(1, Bins.entropy(0.01));
        assertEquals(3, Bins.entropy(0.5));
        assertEquals(4, Bins.entropy(2.0));
        assertEquals(0, Bins.position(0, 5));
        assertEquals(4, Bins.position(4, 5));
        assertEquals(2, Bins.position(0, 1));   // (0 + ½)/1 = 0.5: the middle fifth
        assertEquals(1, Bins.position(2, 10));  // 2.5/10 = 0.25
        assertEquals(0, Bins.softShare(0));
        assertEquals(1, Bins.softShare(0.05));
        assertEquals(1, Bins.softShare(0.1));
        assertEquals(2, Bins.softShare(0.15));
        assertEquals(4, Bins.softShare(1.0));
    }

    @Test
    void everyViewByHand() {
        RoutingUncertainty u = RoutingUncertainty.of(data(true), "####");
        assertEquals(2, u.seeds());
        assertEquals(1, u.problems());
        assertEquals(4, u.views().size());
        // classes: digits 2 of 6 soft, operators 1/2, '=' 1/2, separators 0/2, answer ('#'s only) 1/8, other none
        RoutingUncertainty.View classes = u.views().get(0);
        assertArrayEquals(new double[]{2 / 6.0, 0.5, 0.5, 0, 1 / 8.0, Double.NaN}, ratios(classes), 1e-12);
        // seeds resampled: {A,A} gives digits 2/3, {B,B} 0, so the interval spans [0, 2/3]
        ClusteredBootstrap.Ratio digits = classes.ratios()[0];
        assertEquals(0.0, digits.low(), 1e-12);
        assertEquals(2 / 3.0, digits.high(), 1e-12);
        assertEquals(6.0, digits.denominator());
        // entropy bins: <0.01 has 12 steps with one soft ('#' of B); 0.01-0.1 has 1 of 4; 0.1-0.3 0 of 1; 0.3-1 2 of 2; >=1 1 of 1
        assertArrayEquals(new double[]{1 / 12.0, 0.25, 0, 1, 1}, ratios(u.views().get(1)), 1e-12);
        // positions (t + ½)/10 in fifths: A soft at t=0, 4; B at t=1, 3, 6 → 2/4, 1/4, 1/4, 1/4, 0/4
        assertArrayEquals(new double[]{0.5, 0.25, 0.25, 0.25, 0}, ratios(u.views().get(2)), 1e-12);
        // completions: A 2 soft of 10 (0.1-0.2, right), B 3 of 10 (0.2-0.4, wrong)
        assertArrayEquals(new double[]{Double.NaN, Double.NaN, 1, 0, Double.NaN}, ratios(u.views().get(3)), 1e-12);
    }

    @Test
    void theJsonHoldsEveryBinOfEveryView() {
        RoutingUncertainty u = RoutingUncertainty.of(data(true), "####");
        var json = u.toJson();
        assertEquals(2, json.get("seeds").asInt());
        assertEquals(4, json.get("views").size());
        var digits = json.get("views").get(0).get("bins").get(0);
        assertEquals(6, digits.get("n").asLong());
        assertEquals(2 / 6.0, digits.get("ratio").asDouble(), 1e-12);
        assertEquals(0.0, digits.get("low").asDouble(), 1e-12);
        assertEquals(2 / 3.0, digits.get("high").asDouble(), 1e-12);
        assertTrue(json.get("views").get(0).get("bins").get(5).get("ratio").isNull(), "an empty class has no ratio");
        var positions = json.get("views").get(2).get("bins");
        for (int i = 0; i < 5; i++) assertEquals(ratios(u.views().get(2))[i], positions.get(i).get("ratio").asDouble(), 1e-12);
    }

    @Test
    void completionsWithoutEntropiesHaveNoEntropyView() {
        RoutingUncertainty u = RoutingUncertainty.of(data(false), "####");
        assertEquals(3, u.views().size());
        assertTrue(u.views().stream().noneMatch(v -> v.file().contains("entropy")));
    }
}

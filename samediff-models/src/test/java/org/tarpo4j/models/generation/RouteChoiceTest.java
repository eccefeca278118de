package org.tarpo4j.models.generation;

import org.junit.jupiter.api.Test;
import org.tarpo4j.models.latent.LatentMode;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The route of a step, by mode, against the router's softmax written out by hand. */
class RouteChoiceTest {
    private static final float[] LOGITS = {0.3f, -1.1f};

    @Test
    void tarpoSamplesTheRouterAtItsTemperatureWithOneDrawPerStep() {
        double t = 0.7;
        double a = LOGITS[0] / t, b = LOGITS[1] / t;
        double pSoft = Math.exp(b) / (Math.exp(a) + Math.exp(b));
        Rng rng = new Rng(3), mirror = new Rng(3);
        int soft = 0, n = 20000;
        for (int i = 0; i < n; i++) {
            RouteChoice c = RouteChoice.choose(LatentMode.TARPO, LOGITS, t, false, false, rng);
            boolean expected = mirror.nextDouble() < pSoft;
            assertEquals(expected ? 1 : 0, c.route(), "draw " + i);
            assertEquals(Math.log(expected ? pSoft : 1 - pSoft), c.logProb(), 1e-12);
            soft += c.route();
        }
        assertEquals(pSoft, (double) soft / n, 4 * Math.sqrt(pSoft * (1 - pSoft) / n));
    }

    @Test
    void afterTheMarkerEveryRouteIsHardWithoutADraw() {
        Rng rng = new Rng(5);
        long before = rng.state();
        RouteChoice c = RouteChoice.choose(LatentMode.TARPO, new float[]{-9f, 9f}, 1.0, true, false, rng);
        assertEquals(0, c.route());
        assertEquals(-18 - Math.log1p(Math.exp(-18)), c.logProb(), 1e-9); // log softmax of the hard route
        assertEquals(before, rng.state());
        assertEquals(RouteChoice.HARD, RouteChoice.choose(LatentMode.HRPO, null, 1.0, true, false, rng));
        assertEquals(before, rng.state());
    }

    @Test
    void greedyRoutingTakesTheArgmaxAndTheOtherModesNeedNoRouter() {
        Rng rng = new Rng(1);
        assertEquals(0, RouteChoice.choose(LatentMode.TARPO, LOGITS, 1.0, false, true, rng).route());
        assertEquals(1, RouteChoice.choose(LatentMode.TARPO, new float[]{0f, 0.01f}, 1.0, false, true, rng).route());
        assertEquals(RouteChoice.SOFT, RouteChoice.choose(LatentMode.HRPO, null, 1.0, false, false, rng));
        assertEquals(RouteChoice.HARD, RouteChoice.choose(LatentMode.GRPO, null, 1.0, false, false, rng));
        assertEquals(RouteChoice.HARD, RouteChoice.choose(LatentMode.COCONUT, null, 1.0, false, false, rng));
        assertEquals(new Rng(1).state(), rng.state(), "no draws");
    }
}

package org.tarpo4j.models.generation;

import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.models.latent.LatentMode;

/**
 * Whether a sampled step's next input is hard (its token) or soft, by mode: TARPO samples the router (its argmax when
 * routing greedily), HRPO mixes on every step, the others are always hard; once the completion contains the answer
 * marker every later step is hard (the step that emits it is still routed freely). Pure: the decode loop, the rollout
 * and the benchmark all route through {@link #choose}.
 *
 * @param route   {@link ActionHeadRouter#HARD} or {@link ActionHeadRouter#SOFT}
 * @param logProb the route's log-prob under the router (0 where no router chose it)
 */
public record RouteChoice(int route, double logProb) {
    /** A hard step no router chose. */
    public static final RouteChoice HARD = new RouteChoice(ActionHeadRouter.HARD, 0);
    /** A soft step no router chose (HRPO). */
    public static final RouteChoice SOFT = new RouteChoice(ActionHeadRouter.SOFT, 0);

    /**
     * @param mode         the latent mode
     * @param routerLogits the router's two logits at this step (TARPO), else unused
     * @param temperature  the router's softmax temperature
     * @param afterMarker  the completion contained the answer marker before this step's token
     * @param greedy       take the router's argmax instead of sampling (TARPO)
     * @param rng          the row's stream: one draw for a sampled TARPO route, none otherwise
     * @return the route and its log-prob
     */
    public static RouteChoice choose(LatentMode mode, float[] routerLogits, double temperature, boolean afterMarker,
                                     boolean greedy, Rng rng) {
        return switch (mode) {
            case TARPO -> {
                double[] lp = logProbs(routerLogits, temperature);
                int route = afterMarker ? ActionHeadRouter.HARD
                        : greedy ? (lp[1] > lp[0] ? ActionHeadRouter.SOFT : ActionHeadRouter.HARD)
                        : (rng.nextDouble() < Math.exp(lp[1]) ? ActionHeadRouter.SOFT : ActionHeadRouter.HARD);
                yield new RouteChoice(route, lp[route]);
            }
            case HRPO -> afterMarker ? HARD : SOFT;
            case GRPO, COCONUT -> HARD;
        };
    }

    /** {@code log softmax(logits / τ)} of the two routes, in double precision. */
    public static double[] logProbs(float[] logits, double temperature) {
        double a = logits[0] / temperature, b = logits[1] / temperature, m = Math.max(a, b);
        double z = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
        return new double[]{a - z, b - z};
    }

    /** @return whether the next input is soft */
    public boolean soft() { return route == ActionHeadRouter.SOFT; }
}

package org.tarpo4j.layers.tarpo;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.Linear;
import org.tarpo4j.layers.core.Graph;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActionHeadRouterTest {
    @Test
    void initialisesBiasToB0AndZeroAndAWeightOfStdOneThousandth() {
        Graph g = TarpoLayerTestSupport.doubleGraph(1);
        new ActionHeadRouter(g, "action_head", 512, RouterConfig.withActionBias(2.2));
        assertArrayEquals(new double[]{2.2, 0.0}, g.parameters().get("action_head.bias").toDoubleVector(), 0);
        INDArray w = g.parameters().get("action_head.weight");
        assertArrayEquals(new long[]{2, 512}, w.shape());
        assertEquals(0.001, w.stdNumber().doubleValue(), 0.0001);
    }

    @Test
    void initialProbabilityFormAndLogit() {
        assertEquals(Math.log(0.99 / 0.01), RouterConfig.withInitialHardProbability(0.99).actionBias(), 1e-12);
        assertEquals(0.99, RouterConfig.withActionBias(4.6).initialHardProbability(), 0.001);
        assertEquals(0.90, RouterConfig.withActionBias(2.2).initialHardProbability(), 0.001);
        assertEquals(0.70, RouterConfig.withActionBias(0.85).initialHardProbability(), 0.001);
        assertThrows(IllegalArgumentException.class, () -> RouterConfig.withInitialHardProbability(1.0));
        assertThrows(IllegalArgumentException.class, () -> new RouterConfig(1, 0.001, 0));
    }

    @Test
    void logProbsAndEntropyAtTheTemperature() {
        Graph g = TarpoLayerTestSupport.doubleGraph(2);
        SDVariable h = g.sd().placeHolder("h", DataType.DOUBLE, -1, 3);
        var out = new ActionHeadRouter(g, "rt", 3, new RouterConfig(0.5, 0.001, 2.0)).forward(h);
        g.parameters().get("rt.weight").assign(org.nd4j.linalg.factory.Nd4j.createFromArray(new double[][]{{1, 0, -1}, {0, 2, 0}}));
        INDArray x = org.nd4j.linalg.factory.Nd4j.createFromArray(new double[][]{{1, 1, 1}});
        Map<String, INDArray> r = g.sd().output(Map.of("h", x), out.logits().name(), out.logProbs().name(), out.entropy().name());
        double l0 = 0.5 + 0, l1 = 2;                     // logits before the temperature
        assertArrayEquals(new double[]{l0, l1}, r.get(ActionHeadRouter.LOGITS).toDoubleVector(), 1e-12);
        double z = Math.log(Math.exp(l0 / 2) + Math.exp(l1 / 2));
        double lp0 = l0 / 2 - z, lp1 = l1 / 2 - z;
        assertArrayEquals(new double[]{lp0, lp1}, r.get(ActionHeadRouter.LOG_PROBS).toDoubleVector(), 1e-12);
        assertEquals(-(Math.exp(lp0) * lp0 + Math.exp(lp1) * lp1), r.get(ActionHeadRouter.ENTROPY).getDouble(0), 1e-12);
    }

    @Test
    void gradientsMatchFiniteDifferencesAndReachTheBackbone() {
        Graph g = TarpoLayerTestSupport.doubleGraph(3);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 4);
        SDVariable h = new Linear(g, "backbone", 4, 5, true, null).forward(x);  // the router must not detach h
        var out = new ActionHeadRouter(g, "rt", 5, new RouterConfig(1.0, 0.5, 1.5)).forward(h);
        TarpoLayerTestSupport.lossOn(g, out.logProbs().add(out.entropy().reshape(-1, 1)), new long[]{3, 2});
        TarpoLayerTestSupport.assertGradientsMatch(g, Map.of("x", TarpoLayerTestSupport.uniform(4, 3, 4)));
    }

    @Test
    void configRoundTripsThroughJson() throws Exception {
        ObjectMapper json = new ObjectMapper();
        RouterConfig c = new RouterConfig(2.2, 0.001, 0.7);
        assertEquals(c, json.readValue(json.writeValueAsString(c), RouterConfig.class));
        SoftInputConfig s = new SoftInputConfig(7, false);
        assertEquals(s, json.readValue(json.writeValueAsString(s), SoftInputConfig.class));
        assertTrue(json.writeValueAsString(c).contains("actionBias"));
    }
}

package org.tarpo4j.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.RecyclingMemory;
import org.nd4j.autodiff.samediff.SameDiff;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gradient session reuses its arrays between calls; what a call handed out must not change afterwards. */
class GradientsMemoryReuseTest {
    @Test
    void resultsOfOneCallSurviveTheNextAndRepeatedCallsAgree() {
        Graph g = TestGraphs.doubleGraph(11);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 5);
        SDVariable h = new Linear(g, "proj", 5, 6, true, null).forward(x);
        SDVariable y = g.sd().identity("y", new RmsNorm(g, "norm", 6, 1e-6).forward(h));
        g.sd().identity("loss", y.mul(y).sum());
        Set<String> params = g.parameters().asMap().keySet();
        Map<String, INDArray> a = Map.of("x", TestGraphs.randn(1, 3, 5)), b = Map.of("x", TestGraphs.randn(2, 7, 5));

        Gradients.Result first = Gradients.compute(g, "loss", a, List.of("y"), params);
        Map<String, INDArray> firstGrads = copy(first.gradients());
        INDArray firstY = first.outputs().get("y").dup();
        for (Map<String, INDArray> ph : List.of(b, a, b, a)) Gradients.compute(g, "loss", ph, List.of("y"), params);
        // the arrays of the first call were handed out, so later calls must not have written into them
        firstGrads.forEach((k, v) -> assertEquals(0.0, v.sub(first.gradients().get(k)).amaxNumber().doubleValue(), 0.0, k));
        assertEquals(0.0, firstY.sub(first.outputs().get("y")).amaxNumber().doubleValue(), 0.0);
        // and a repeated call (after other shapes went through the pool) gives the same numbers
        Gradients.Result again = Gradients.compute(g, "loss", a, List.of("y"), params);
        firstGrads.forEach((k, v) -> assertEquals(0.0, v.sub(again.gradients().get(k)).amaxNumber().doubleValue(), 0.0, k));
        assertTrue(again.outputs().get("y") != first.outputs().get("y"));
    }

    @Test
    void aRepeatedCallAllocatesOnlyTheGradientsItHandedOver() {
        // two layers: the backward asks for the second layer's weight gradient (handed over last call, so short in the
        // pool) before the first layer's arrays, which must still be served from the pool
        Graph g = twoLayers(12);
        Set<String> params = g.parameters().asMap().keySet();
        Map<String, INDArray> in = Map.of("x", TestGraphs.randn(3, 7, 5));
        Gradients.compute(g, "loss", in, List.of(), params);
        Gradients.compute(g, "loss", in, List.of(), params);
        SameDiff backward = g.sd().getFunction("grad");
        long before = RecyclingMemory.allocations(backward);
        Gradients.Result third = Gradients.compute(g, "loss", in, List.of(), params);
        long handedOver = third.gradients().size();
        assertEquals(4, handedOver);
        assertEquals(handedOver, RecyclingMemory.allocations(backward) - before);
    }

    @Test
    void gradientsGivenBackServeTheNextCallWhichThenAllocatesNothing() {
        Graph g = twoLayers(14);
        Set<String> params = g.parameters().asMap().keySet();
        Map<String, INDArray> in = Map.of("x", TestGraphs.randn(5, 7, 5));
        Map<String, INDArray> expected = copy(Gradients.compute(g, "loss", in, List.of(), params).gradients());
        SameDiff backward = g.sd().getFunction("grad");
        for (int step = 0; step < 3; step++) {
            long before = RecyclingMemory.allocations(backward);
            Map<String, INDArray> grads = Gradients.compute(g, "loss", in, List.of(), params).gradients();
            if (step > 0) assertEquals(0, RecyclingMemory.allocations(backward) - before, "step " + step);
            expected.forEach((k, v) -> assertEquals(0.0, v.sub(grads.get(k)).amaxNumber().doubleValue(), 0.0, k));
            grads.values().forEach(a -> a.assign(Double.NaN)); // as the optimizer leaves them: overwritten
            Gradients.release(g, grads);
        }
        // an array the pool never handed out is closed, not pooled
        INDArray foreign = TestGraphs.randn(6, 2, 2);
        Gradients.release(g, Map.of("foreign", foreign));
        assertTrue(foreign.wasClosed());
    }

    @Test
    void releaseFreesThePoolsAndTheGraphStillRuns() {
        Graph g = TestGraphs.doubleGraph(13);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 5);
        SDVariable y = new Linear(g, "proj", 5, 6, true, null).forward(x);
        g.sd().identity("loss", y.mul(y).sum());
        Set<String> params = g.parameters().asMap().keySet();
        Map<String, INDArray> in = Map.of("x", TestGraphs.randn(4, 9, 5));
        Map<String, INDArray> first = copy(Gradients.compute(g, "loss", in, List.of(), params).gradients());
        Gradients.compute(g, "loss", in, List.of(), params);
        long freed = RecyclingMemory.release(g.sd());
        assertTrue(freed >= 9 * 6 * 8, "the pass's [9, 6] doubles at least, freed " + freed);
        assertEquals(0, RecyclingMemory.release(g.sd()), "nothing left to free");
        Map<String, INDArray> again = Gradients.compute(g, "loss", in, List.of(), params).gradients();
        first.forEach((k, v) -> assertEquals(0.0, v.sub(again.get(k)).amaxNumber().doubleValue(), 0.0, k));
    }

    /** {@code loss = sum(second(tanh(first(x)))²)}, x {@code [N, 5]}. */
    private static Graph twoLayers(long seed) {
        Graph g = TestGraphs.doubleGraph(seed);
        SDVariable x = g.sd().placeHolder("x", DataType.DOUBLE, -1, 5);
        SDVariable h = new Linear(g, "first", 5, 6, true, null).forward(x);
        SDVariable y = new Linear(g, "second", 6, 4, true, null).forward(g.sd().math.tanh(h));
        g.sd().identity("loss", y.mul(y).sum());
        return g;
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> m) {
        Map<String, INDArray> c = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.dup()));
        return c;
    }
}

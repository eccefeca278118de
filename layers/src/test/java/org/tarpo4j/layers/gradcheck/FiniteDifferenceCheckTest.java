package org.tarpo4j.layers.gradcheck;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.layers.core.Parameters;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FiniteDifferenceCheckTest {
    private static FiniteDifferenceCheck.Result checkCumsum(int axis) {
        Graph g = Graph.create(new Parameters(DataType.DOUBLE, 1));
        SDVariable w = g.parameter("w", Init.normal(1.0), 3, 4);
        SDVariable r = g.sd().constant("r", Nd4j.linspace(DataType.DOUBLE, 1, 12, 12).reshape(3, 4));
        g.sd().identity("loss", g.sd().cumsum(w, false, false, axis).mul(r).sum());
        return FiniteDifferenceCheck.check(g, Map.of(), "loss", List.of("w"), 12, 1e-6, 1e-5, 1e-9, 1);
    }

    @Test
    void passesACorrectGradient() {
        assertTrue(checkCumsum(0).passed(), checkCumsum(0).toString());
    }

    @Test
    void catchesTheSilentlyWrongCumsumGradientOfM21() {
        // cumsum along axis 1 has a wrong gradient in SameDiff M2.1 and raises no error: the checker must see it
        FiniteDifferenceCheck.Result result = checkCumsum(1);
        assertFalse(result.passed(), result.toString());
    }
}

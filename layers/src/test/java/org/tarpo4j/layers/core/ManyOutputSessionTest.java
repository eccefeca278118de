package org.tarpo4j.layers.core;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManyOutputSessionTest {
    /**
     * A chain of same-shaped activations whose every link is also an output: a session that released an output once
     * its consumer ran would hand its buffer to the next link (the pool serves same shapes first), and the earlier
     * outputs would read as later values. Checked against the same chain computed eagerly, over two calls (the second
     * runs on recycled arrays).
     */
    @Test
    void everyRequestedOutputKeepsItsOwnValue() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, 3, 4);
        SDVariable h = x;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            h = sd.math.tanh("h" + i, h.mul(1.5).add(0.1 * i));
            names.add(h.name());
            sd.math.exp("leaf" + i, h); // terminal: consumed by nothing, released at once unless requested
            names.add("leaf" + i);
        }
        sd.sum("total", h);
        names.add(0, "total");

        for (int call = 0; call < 2; call++) {
            INDArray in = Nd4j.rand(DataType.FLOAT, 3, 4).subi(0.5).muli(call + 1);
            RecyclingMemory.recycle(sd);
            assertInstanceOf(ManyOutputSession.class, sd.getSessions().get(Thread.currentThread().getId()));
            Map<String, INDArray> out = ManyOutputSession.outputs(sd, Map.of("x", in), names);

            INDArray expected = in.dup();
            for (int i = 0; i < 12; i++) {
                expected = Transforms.tanh(expected.mul(1.5).add(0.1 * i));
                assertTrue(expected.equalsWithEps(out.get("h" + i), 1e-6), "h" + i + " in call " + call);
                assertTrue(Transforms.exp(expected).equalsWithEps(out.get("leaf" + i), 1e-5), "leaf" + i + " in call " + call);
            }
            assertEquals(expected.sumNumber().doubleValue(), out.get("total").getDouble(0), 1e-5);
        }
    }
}

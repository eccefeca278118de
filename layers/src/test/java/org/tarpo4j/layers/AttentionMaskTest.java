package org.tarpo4j.layers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AttentionMaskTest {
    private static INDArray bias(int[][] mask, int[][] positions) {
        SameDiff sd = SameDiff.create();
        SDVariable m = sd.placeHolder("m", DataType.INT32, -1, -1);
        SDVariable p = sd.placeHolder("p", DataType.INT32, -1, -1);
        return AttentionMask.causalBias(sd, m, p, DataType.FLOAT)
                .eval(Map.of("m", Nd4j.createFromArray(mask), "p", Nd4j.createFromArray(positions)));
    }

    @Test
    void prefillWithLeftPaddingIsCausalOverValidKeys() {
        // row 0: no padding; row 1: two pads then three tokens at positions 0..2 (pads get position 0)
        INDArray b = bias(new int[][]{{1, 1, 1, 1, 1}, {0, 0, 1, 1, 1}}, new int[][]{{0, 1, 2, 3, 4}, {0, 0, 0, 1, 2}});
        for (int q = 0; q < 5; q++)
            for (int k = 0; k < 5; k++) {
                assertEquals(k <= q ? 0.0 : AttentionMask.MASKED, b.getDouble(0, 0, q, k), 1, "row0 q" + q + " k" + k);
                boolean visible = k >= 2 && k <= Math.max(q, 2);
                assertEquals(visible ? 0.0 : AttentionMask.MASKED, b.getDouble(1, 0, q, k), 1, "row1 q" + q + " k" + k);
            }
    }

    @Test
    void decodeStepSeesTheWholeValidCache() {
        // one new token after 4 cached positions, the first of which is padding in row 1
        INDArray b = bias(new int[][]{{1, 1, 1, 1, 1}, {0, 1, 1, 1, 1}}, new int[][]{{4}, {3}});
        for (int k = 0; k < 5; k++) {
            assertEquals(0.0, b.getDouble(0, 0, 0, k), 1e-9);
            assertEquals(k == 0 ? AttentionMask.MASKED : 0.0, b.getDouble(1, 0, 0, k), 1);
        }
    }
}

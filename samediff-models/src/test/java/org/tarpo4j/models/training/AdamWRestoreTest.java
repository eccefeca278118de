package org.tarpo4j.models.training;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Restoring optimizer moments checks them all before assigning any. */
class AdamWRestoreTest {
    private static AdamW optimizer() {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("a", Nd4j.ones(DataType.FLOAT, 2, 3));
        params.put("b", Nd4j.ones(DataType.FLOAT, 4));
        return new AdamW(List.of(new AdamW.Group("all", params, 1e-3, 0.0)), 0.9, 0.99, 1e-8);
    }

    @Test
    void aMomentOfTheWrongShapeChangesNothing() {
        AdamW adam = optimizer();
        Map<String, INDArray> saved = new LinkedHashMap<>();
        saved.put("a.exp_avg", Nd4j.ones(DataType.FLOAT, 2, 3));
        saved.put("a.exp_avg_sq", Nd4j.ones(DataType.FLOAT, 2, 3));
        saved.put("b.exp_avg", Nd4j.ones(DataType.FLOAT, 8)); // twice too long: assign() would overrun
        saved.put("b.exp_avg_sq", Nd4j.ones(DataType.FLOAT, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.restore(saved, 5));
        assertTrue(e.getMessage().contains("'b.exp_avg'") && e.getMessage().contains("[8]"), e.getMessage());
        assertEquals(0.0, adam.state().get("a.exp_avg").sumNumber().doubleValue(), "a's moments untouched");
        assertEquals(0, adam.stepCount());
    }

    @Test
    void aCompleteStateRestores() {
        AdamW adam = optimizer();
        Map<String, INDArray> saved = new LinkedHashMap<>();
        adam.state().forEach((k, v) -> saved.put(k, Nd4j.onesLike(v)));
        adam.restore(saved, 5);
        assertEquals(6.0, adam.state().get("a.exp_avg").sumNumber().doubleValue());
        assertEquals(5, adam.stepCount());
    }
}

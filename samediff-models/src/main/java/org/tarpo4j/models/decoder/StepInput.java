package org.tarpo4j.models.decoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * New positions for every row of a batch.
 *
 * @param inputIds    INT32 {@code [B, T]}
 * @param positionIds INT32 {@code [B, T]}
 * @param validity    INT32 {@code [B, T]}: 1 for real tokens, 0 for padding; appended to the attention mask
 * @param extra       further placeholders of the graph's input layer (e.g. TARPO's soft inputs), by name
 */
public record StepInput(INDArray inputIds, INDArray positionIds, INDArray validity, Map<String, INDArray> extra) {
    public StepInput {
        extra = Map.copyOf(extra);
    }

    public StepInput(INDArray inputIds, INDArray positionIds, INDArray validity) {
        this(inputIds, positionIds, validity, Map.of());
    }

    /** One unpadded row of tokens at positions {@code start, start+1, ...}. */
    public static StepInput singleRow(int[] ids, int start) {
        int[] pos = new int[ids.length], valid = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            pos[i] = start + i;
            valid[i] = 1;
        }
        return new StepInput(Nd4j.createFromArray(new int[][]{ids}), Nd4j.createFromArray(new int[][]{pos}),
                Nd4j.createFromArray(new int[][]{valid}));
    }

    public long batch() { return inputIds.size(0); }

    public long length() { return inputIds.size(1); }
}

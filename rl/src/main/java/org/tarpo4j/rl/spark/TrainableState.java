package org.tarpo4j.rl.spark;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The trainer's trainable weights at one moment (LoRA adapters and router under LoRA, every weight otherwise), as
 * broadcast to executors before a step's rollouts and before each further update of a step.
 *
 * @param names  parameter names, in the trainer's order
 * @param shapes their shapes
 * @param values their values, row-major
 */
record TrainableState(String[] names, long[][] shapes, float[][] values) implements Serializable {
    static TrainableState of(Map<String, INDArray> arrays) {
        int n = arrays.size();
        String[] names = new String[n];
        long[][] shapes = new long[n][];
        float[][] values = new float[n][];
        int i = 0;
        for (var e : arrays.entrySet()) {
            names[i] = e.getKey();
            shapes[i] = e.getValue().shape();
            values[i] = Nd4j.toFlattened('c', e.getValue()).toFloatVector();
            i++;
        }
        return new TrainableState(names, shapes, values);
    }

    /** Assigns these values into the live arrays of the same names, after checking names and shapes. */
    void applyTo(Map<String, INDArray> target) {
        List<String> theirs = List.copyOf(target.keySet());
        if (!theirs.equals(Arrays.asList(names))) {
            throw new IllegalStateException("the trainer's trainable parameters " + Arrays.asList(names)
                    + " are not this executor's " + theirs + " (different config or model?)");
        }
        for (int i = 0; i < names.length; i++) {
            INDArray a = target.get(names[i]);
            if (!Arrays.equals(a.shape(), shapes[i])) {
                throw new IllegalStateException("parameter " + names[i] + " is " + Arrays.toString(shapes[i])
                        + " at the trainer but " + Arrays.toString(a.shape()) + " here");
            }
            a.assign(Nd4j.create(values[i], shapes[i], 'c').castTo(a.dataType()));
        }
    }

    /** @return the values' bytes (what dominates the serialised size) */
    long valueBytes() {
        long b = 0;
        for (float[] v : values) b += 4L * v.length;
        return b;
    }
}

package org.tarpo4j.rl.spark;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.rl.train.StepGradient;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The trainer's sum of the partitions' gradient shares and metrics, in the order they are added. */
final class GradientSum {
    private final List<String> names;
    private final Map<String, INDArray> shapes;
    private final Map<String, float[]> sums = new LinkedHashMap<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();

    /** @param names the trainable parameters; @param arrays their live arrays (for the shapes) */
    GradientSum(List<String> names, Map<String, INDArray> arrays) {
        this.names = names;
        this.shapes = arrays;
    }

    void add(GradientTask.Output share) {
        if (!Arrays.asList(share.names()).equals(names)) {
            throw new IllegalStateException("an executor's gradient is of " + Arrays.asList(share.names()) + ", not of the "
                    + "trainer's trainable parameters " + names);
        }
        for (int i = 0; i < names.size(); i++) {
            float[] g = share.gradients()[i];
            float[] acc = sums.get(names.get(i));
            if (acc == null) {
                sums.put(names.get(i), g);
            } else {
                for (int j = 0; j < acc.length; j++) acc[j] += g[j];
            }
        }
        share.metrics().forEach((k, v) -> metrics.merge(k, v, Double::sum));
    }

    StepGradient.Result result() {
        Map<String, INDArray> g = new LinkedHashMap<>();
        for (String n : names) g.put(n, Nd4j.create(sums.get(n), shapes.get(n).shape(), 'c').castTo(shapes.get(n).dataType()));
        return new StepGradient.Result(g, new LinkedHashMap<>(metrics));
    }
}

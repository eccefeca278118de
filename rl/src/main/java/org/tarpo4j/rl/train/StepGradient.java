package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.NativeArrays;

import java.util.List;
import java.util.Map;

/**
 * The gradient of one step's policy loss at the current weights, computed once per update ({@code num_iterations} times
 * a step): in this process ({@link PolicyGradient}) or summed over Spark executors ({@code org.tarpo4j.rl.spark}).
 *
 * <p>Internal: public for {@code org.tarpo4j.rl.spark}, may change without notice.
 */
public interface StepGradient extends AutoCloseable {
    /**
     * The summed gradient of each trainable parameter, and the step's metrics: the loss, and token-weighted sums
     * divided by the step's completion tokens ({@code kl}, {@code entropy}, ...), so that the metrics of disjoint parts
     * of a step add up to the step's.
     *
     * @param gradients by parameter name
     * @param metrics   by metric name
     */
    record Result(Map<String, INDArray> gradients, Map<String, Double> metrics) {}

    /**
     * One forward and backward pass over the step's completions at the current weights.
     *
     * @param trainable the parameters to differentiate, by name
     * @return the gradient and metrics
     */
    Result compute(List<String> trainable);

    /** Done with a result's gradients (after the optimizer step): they may serve the next pass. */
    default void release(Map<String, INDArray> gradients) {
        gradients.values().forEach(NativeArrays::close);
    }

    /** Releases the step's inputs. */
    @Override
    void close();
}

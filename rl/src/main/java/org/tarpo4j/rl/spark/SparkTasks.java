package org.tarpo4j.rl.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;

import java.io.Serializable;
import java.util.List;

/**
 * Independent pieces of work as Spark tasks, one per task (e.g. a sweep's candidates, each a whole training run), on
 * this JVM's application for {@code master}; results in the inputs' order. A task lost with its executor runs again
 * elsewhere.
 */
public final class SparkTasks {
    private SparkTasks() {}

    /**
     * One piece of work; it travels to an executor, so it and what it captures must be Serializable.
     *
     * @param <T> its input
     * @param <R> its result
     */
    @FunctionalInterface
    public interface Task<T, R> extends Serializable {
        /**
         * @param input the input
         * @return the result
         * @throws Exception any failure: the task fails (and is retried as Spark is configured)
         */
        R run(T input) throws Exception;
    }

    /**
     * Runs {@code task} on every input, one Spark task each.
     *
     * @param master a Spark master URL
     * @param what   names the job (Spark UI, errors)
     * @param inputs the inputs
     * @param task   the work
     * @param <T>    input type
     * @param <R>    result type
     * @return the results, in the inputs' order
     * @throws IllegalArgumentException for a bad or unreachable master
     * @throws SparkStepException       when a task keeps failing, naming why
     */
    public static <T extends Serializable, R extends Serializable> List<R> map(String master, String what, List<T> inputs,
                                                                               Task<T, R> task) {
        if (inputs.isEmpty()) return List.of();
        SparkCluster cluster = SparkCluster.connect(master);
        JavaRDD<R> rdd = cluster.sc().parallelize(inputs, inputs.size()).map(new Run<>(task));
        return cluster.collect(rdd, what);
    }

    private record Run<T, R>(Task<T, R> task) implements Function<T, R> {
        @Override
        public R call(T input) throws Exception { return task.run(input); }
    }
}

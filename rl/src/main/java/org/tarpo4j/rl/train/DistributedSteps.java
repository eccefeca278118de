package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.rollout.TextDecoder;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;

/**
 * Where a trainer's rollouts and gradients are computed when {@code spark_master} is set: on Spark executors
 * ({@code org.tarpo4j.rl.spark.SparkSteps}). The trainer keeps everything else (the problem order, advantages,
 * AdamW, logs, checkpoints, evaluation).
 *
 * <p>Internal: public for {@code org.tarpo4j.rl.spark}, may change without notice.
 */
public interface DistributedSteps extends AutoCloseable {
    /** The implementation, loaded by name so that Spark is needed only by runs that set {@code spark_master}. */
    String SPARK = "org.tarpo4j.rl.spark.SparkSteps";

    /**
     * What the trainer hands the executors' side once, when it is built (before any resume).
     *
     * @param config         the run's config
     * @param model          the trainer's starting model
     * @param trainable      the trainable parameters' live arrays, by name, in the trainer's order
     * @param rolloutRows    completions decoded together (the trainer's memory plan)
     * @param microBatchRows completions per forward/backward pass (the trainer's memory plan)
     * @param chunkLength    positions per pass of a row (the trainer's memory plan)
     * @param rewards        the trainer's reward functions
     * @param text           the trainer's token decoding
     */
    record Setup(TarpoConfig config, CausalLm model, Map<String, INDArray> trainable, int rolloutRows, int microBatchRows,
                 int chunkLength, WeightedRewards rewards, TextDecoder text) {}

    /**
     * A step's completions, prompt-major as one rollout gives them, and their rewards.
     *
     * @param completions the completions
     * @param scores      their rewards, or null when the executors could not score them (the trainer then does)
     */
    record Rollouts(List<Completion> completions, RolloutScores scores) {}

    /**
     * Generates (and scores) a step's completions at the trainer's current weights.
     *
     * @param step      steps completed before this one
     * @param problems  the step's problems
     * @param promptIds their prompt ids
     * @param seed      the step's seed
     * @return the completions and, when scored there, their rewards
     */
    Rollouts rollout(int step, List<Problem> problems, List<int[]> promptIds, long seed);

    /**
     * The gradient of a step's completions, summed over executors, each {@link StepGradient#compute} at the trainer's
     * weights of that moment.
     *
     * @param step        steps completed before this one
     * @param prompts     each completion's prompt ids
     * @param completions the step's completions
     * @param advantages  their advantages
     * @return the step's gradient
     */
    StepGradient gradient(int step, List<int[]> prompts, List<Completion> completions, double[] advantages);

    /** @return what the step moved and how long it took since the last call ({@code time/...}, {@code spark/...}) */
    Map<String, Object> stepMetrics();

    /** Releases what the steps so far hold on the cluster (the application itself serves later steps, and ends with the JVM). */
    @Override
    void close();

    /**
     * Starts the implementation {@code config.sparkMaster} asks for.
     *
     * @param setup what the executors need
     * @return the distributed steps
     * @throws IllegalStateException when Spark is not on the class path
     */
    static DistributedSteps start(Setup setup) {
        Class<?> c;
        try {
            c = Class.forName(SPARK);
            return (DistributedSteps) c.getMethod("start", Setup.class).invoke(null, setup);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw sparkMissing(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof NoClassDefFoundError missing) throw sparkMissing(missing);
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IllegalStateException sparkMissing(Throwable e) {
        return new IllegalStateException("spark_master is set but Apache Spark is not on the class path (" + e.getMessage()
                + "): add org.apache.spark:spark-core_2.13 (the tarpo command line has it; tarpo4j-rl declares it provided)", e);
    }
}

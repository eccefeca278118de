package org.tarpo4j.rl.spark;

import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.train.StepGradient;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An executor's share of a step's gradient: the reference log-probs and the micro-batched gradient of some of the
 * step's completions, each weighted as in the whole step (its advantage and loss weight come from the trainer, which
 * has the whole step), so that the trainer's sum of the shares is the step's gradient.
 */
final class GradientTask implements Function2<Integer, Iterator<byte[]>, Iterator<byte[]>> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GradientTask.class);

    /**
     * One partition's completions.
     *
     * @param step        steps completed before this one
     * @param iteration   the update of the step (num_iterations), from 0
     * @param partitions  partitions of the stage
     * @param first       the index of the first completion in the step
     * @param prompts     each completion's prompt ids
     * @param completions the completions
     * @param advantages  their advantages (over the whole step)
     * @param weights     their loss weights (over the whole step)
     * @param stepTokens  the step's completion tokens in the loss
     */
    record Input(int step, int iteration, int partitions, int first, List<int[]> prompts, List<Completion> completions,
                 double[] advantages, double[] weights, long stepTokens) implements Serializable {}

    /**
     * What a partition sends back.
     *
     * @param names        the trainable parameters, in the trainer's order
     * @param gradients    their gradients of this share, row-major
     * @param metrics      the share's part of the step's metrics (sums)
     * @param stateNanos   fetching and assigning the broadcast weights
     * @param cpuNanos     the task thread's CPU time (ND4J's ops run on it: one intra-op thread)
     * @param computeNanos reference log-probs and gradients
     */
    record Output(String[] names, float[][] gradients, Map<String, Double> metrics, long stateNanos, long cpuNanos,
                  long computeNanos) implements Serializable {}

    private final ReplicaSpec spec;
    private final Broadcast<byte[]> state;
    private final long stateId;

    GradientTask(ReplicaSpec spec, Broadcast<byte[]> state, long stateId) {
        this.spec = spec;
        this.state = state;
        this.stateId = stateId;
    }

    @Override
    public Iterator<byte[]> call(Integer partition, Iterator<byte[]> in) {
        Input input = JavaBytes.read(in.next());
        String where = ExecutorFailure.where("step " + (input.step() + 1) + " gradient"
                + (input.iteration() > 0 ? " (update " + (input.iteration() + 1) + ")" : ""), partition, input.partitions());
        TaskLog.line(LOG, "{}: completions {}..{} of the step", where, input.first(), input.first() + input.completions().size() - 1);
        long cpu0 = TaskLog.cpuNanos();
        return List.of(Replicas.run(spec, where, stateId, state, LOG, (replica, stateNanos) -> {
            long t1 = System.nanoTime();
            StepGradient.Result r = replica.worker.gradient(input.prompts(), input.completions(), input.advantages(),
                    input.weights(), input.stepTokens());
            String[] names = r.gradients().keySet().toArray(new String[0]);
            float[][] values = new float[names.length][];
            for (int i = 0; i < names.length; i++) {
                INDArray g = r.gradients().get(names[i]);
                values[i] = Nd4j.toFlattened('c', g).toFloatVector();
                NativeArrays.close(g);
            }
            return new Output(names, values, r.metrics(), stateNanos, TaskLog.cpuNanos() - cpu0, System.nanoTime() - t1);
        })).iterator();
    }
}

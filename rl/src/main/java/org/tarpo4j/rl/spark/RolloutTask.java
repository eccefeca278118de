package org.tarpo4j.rl.spark;

import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.train.RolloutScores;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An executor's share of a step's rollouts: whole prompts (a group's G completions are scored together), each with its
 * index in the step, so that every completion samples from the stream the single-machine trainer gives it.
 */
final class RolloutTask implements Function2<Integer, Iterator<byte[]>, Iterator<byte[]>> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RolloutTask.class);

    /**
     * One partition's prompts.
     *
     * @param step       steps completed before this one
     * @param seed       the step's rollout seed
     * @param partitions partitions of the stage
     * @param indices    each prompt's index in the step
     * @param prompts    their ids
     * @param problems   their problems (for the rewards)
     */
    record Input(int step, long seed, int partitions, int[] indices, List<int[]> prompts, List<Problem> problems)
            implements Serializable {}

    /**
     * What a partition sends back.
     *
     * @param completions  G per prompt, prompt-major
     * @param scores       their rewards, or null when the trainer scores
     * @param stateNanos   fetching and assigning the broadcast weights
     * @param cpuNanos     the task thread's CPU time (ND4J's ops run on it: one intra-op thread)
     * @param computeNanos the rollouts and rewards
     */
    record Output(List<Completion> completions, RolloutScores scores, long stateNanos, long cpuNanos, long computeNanos) implements Serializable {}

    private final ReplicaSpec spec;
    private final Broadcast<byte[]> state;
    private final long stateId;
    private final int numGenerations;

    RolloutTask(ReplicaSpec spec, Broadcast<byte[]> state, long stateId, int numGenerations) {
        this.spec = spec;
        this.state = state;
        this.stateId = stateId;
        this.numGenerations = numGenerations;
    }

    @Override
    public Iterator<byte[]> call(Integer partition, Iterator<byte[]> in) {
        Input input = JavaBytes.read(in.next());
        String where = ExecutorFailure.where("step " + (input.step() + 1) + " rollouts", partition, input.partitions());
        TaskLog.line(LOG, "{}: prompts {}..{} of the step, {} completions", where, input.indices()[0],
                input.indices()[input.indices().length - 1], input.indices().length * numGenerations);
        long cpu0 = TaskLog.cpuNanos();
        return List.of(Replicas.run(spec, where, stateId, state, LOG, (replica, stateNanos) -> {
            long t1 = System.nanoTime();
            List<Completion> completions = replica.worker.rollout(input.prompts(), input.indices(), input.seed());
            Map<Integer, Problem> byIndex = new HashMap<>();
            for (int i = 0; i < input.indices().length; i++) byIndex.put(input.indices()[i], input.problems().get(i));
            RolloutScores scores = replica.rewards == null ? null
                    : RolloutScores.score(replica.rewards, input.step(), numGenerations, completions, byIndex::get);
            return new Output(completions, scores, stateNanos, TaskLog.cpuNanos() - cpu0, System.nanoTime() - t1);
        })).iterator();
    }
}

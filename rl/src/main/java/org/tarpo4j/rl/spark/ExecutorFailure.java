package org.tarpo4j.rl.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.tarpo4j.models.memory.MemoryLimitExceededException;
import org.tarpo4j.rl.reward.RewardException;

/**
 * Raised in an executor's task with a message that says where (step, stage, partition, executor) and why, so that the
 * trainer's error names the cause instead of Spark's "task failed N times".
 */
final class ExecutorFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ExecutorFailure(String message, Throwable cause) {
        super(message, cause == null ? null : new RuntimeException(cause.toString())); // the cause may not deserialise at the driver
        if (cause != null) setStackTrace(cause.getStackTrace());
    }

    /** The current task: {@code "step 3 rollouts, partition 2 of 4, executor 1 (host), attempt 0"}. */
    static String where(String stage, int partition, int partitions) {
        TaskContext task = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        String executor = env == null ? "?" : env.executorId();
        String host = env == null ? "?" : env.blockManager().blockManagerId().host();
        return stage + ", partition " + (partition + 1) + " of " + partitions + ", executor " + executor + " (" + host + ")"
                + (task == null ? "" : ", attempt " + task.attemptNumber());
    }

    /**
     * What a task raises for {@code t}: a reward's own error as it is (the trainer raises it as on one machine), else an
     * ExecutorFailure saying where, and saying "out of memory" whenever that is the cause, also when it surfaces as a
     * class that could not initialise (ND4J's first allocation refused).
     */
    static RuntimeException of(String where, Throwable t) {
        if (t instanceof RewardException r) return r;
        if (t instanceof ExecutorFailure f) return f;
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof OutOfMemoryError || String.valueOf(c.getMessage()).contains("OutOfMemoryError")) {
                return outOfMemory(where, c);
            }
            if (c instanceof MemoryLimitExceededException m) {
                return new ExecutorFailure(where + ": not enough memory on the executor: " + m.getMessage(), m);
            }
        }
        return new ExecutorFailure(where + ": " + t, t);
    }

    static ExecutorFailure outOfMemory(String where, Throwable e) {
        return new ExecutorFailure(where + ": the executor ran out of memory (" + e + "). Give executors more memory "
                + "(spark.executor.memory for the heap, -Dorg.bytedeco.javacpp.maxphysicalbytes in "
                + "spark.executor.extraJavaOptions for ND4J's arrays), fewer cores each (one model per running task), or "
                + "lower rollout_batch_size / per_device_train_batch_size", e);
    }
}

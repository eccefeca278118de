package org.tarpo4j.rl.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

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

    static ExecutorFailure outOfMemory(String where, Throwable e) {
        return new ExecutorFailure(where + ": the executor ran out of memory (" + e + "). Give executors more memory "
                + "(spark.executor.memory for the heap, -Dorg.bytedeco.javacpp.maxphysicalbytes in "
                + "spark.executor.extraJavaOptions for ND4J's arrays), fewer cores each (one model per running task), or "
                + "lower rollout_batch_size / per_device_train_batch_size", e);
    }
}

package org.tarpo4j.rl.spark;

/**
 * A training step that could not run on Spark: the message names the step, what failed and, when an executor's work
 * failed, the executor and why (model path it cannot read, out of memory, ...).
 */
public final class SparkStepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the cause
     * @param cause   Spark's own exception, or null
     */
    public SparkStepException(String message, Throwable cause) {
        super(message, cause);
    }
}

/**
 * Training on Apache Spark (a trainer config's {@code spark_master}): each step the trainer broadcasts its trainable
 * weights, executors generate and score the step's completions prompt by prompt, then compute the gradient of their
 * share of the completions weighted as in the whole step; the trainer sums the gradients in partition order and takes
 * the AdamW step. Executors build the model from {@code model_path} once per JVM and keep it. Spark is a
 * {@code provided} dependency of {@code tarpo4j-rl}: only runs that set {@code spark_master} need it at run time.
 *
 * <p>Internal: the way in is {@code TarpoConfig.sparkMaster}; everything here may change without notice, except
 * {@link org.tarpo4j.rl.spark.SparkStepException}, the error a failed distributed step raises.
 */
package org.tarpo4j.rl.spark;

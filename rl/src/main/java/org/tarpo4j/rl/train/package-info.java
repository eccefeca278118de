/**
 * The GRPO / TARPO / HRPO trainer and its config. Example: {@code
 * examples/src/main/java/org/tarpo4j/examples/api/TrainFromJava.java}.
 *
 * <p>Stable API: {@link org.tarpo4j.rl.train.TarpoConfig}, {@link org.tarpo4j.rl.train.TarpoTrainer}, {@link
 * org.tarpo4j.rl.train.TrainerCallback}, {@link org.tarpo4j.rl.train.StepMetrics}. Internal (public for the other
 * modules, may change without notice): {@code CheckpointManager}, {@code MetricsLog}, and the pieces a step on Spark
 * is made of ({@code DistributedSteps}, {@code StepWorker}, {@code StepGradient}, {@code RolloutScores}; see {@code
 * org.tarpo4j.rl.spark}).
 */
package org.tarpo4j.rl.train;

/**
 * The GRPO / TARPO / HRPO trainer and its config. Example: {@code
 * examples/src/main/java/org/tarpo4j/examples/api/TrainFromJava.java}.
 *
 * <p>Stable API: {@link org.tarpo4j.rl.train.TarpoConfig}, {@link org.tarpo4j.rl.train.TarpoTrainer}, {@link
 * org.tarpo4j.rl.train.TrainerCallback}, {@link org.tarpo4j.rl.train.StepMetrics}. Internal (public for the other
 * modules, may change without notice): {@code CheckpointManager}, {@code MetricsLog}.
 */
package org.tarpo4j.rl.train;

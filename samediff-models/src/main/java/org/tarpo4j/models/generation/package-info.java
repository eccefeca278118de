/**
 * Batched, KV-cached generation with seeded sampling (temperature, top-k, top-p).
 *
 * <p>Stable API: {@link org.tarpo4j.models.generation.Generator}, {@link
 * org.tarpo4j.models.generation.GenerationConfig}, {@link org.tarpo4j.models.generation.GenerationResult}, {@link
 * org.tarpo4j.models.generation.SamplingConfig}. Internal (may change without notice): {@code ContextWindow}, {@code
 * PromptBatch}, {@code Rng}, {@code StepSampler}, {@code TokenDistribution}.
 */
package org.tarpo4j.models.generation;

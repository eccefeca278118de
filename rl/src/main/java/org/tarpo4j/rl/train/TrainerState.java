package org.tarpo4j.rl.train;

/**
 * What besides weights and optimiser moments a resumed run needs to continue exactly ({@code resume_state.json}, keys in
 * snake_case: {@code step}, {@code skipped_steps}, {@code sampling_rng_state}, {@code data_epoch}, {@code data_position},
 * {@code optimizer_steps}, {@code num_tokens}: prompt and completion tokens seen).
 */
public record TrainerState(int step, int skippedSteps, long samplingRngState, int dataEpoch, int dataPosition,
                           long optimizerSteps, long numTokens) {}

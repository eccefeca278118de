package org.tarpo4j.rl.train;

/**
 * What besides weights and optimiser moments a resumed run needs to continue exactly ({@code resume_state.json}, keys in
 * snake_case: {@code step}, {@code skipped_steps}, {@code data_epoch}, {@code data_position}, {@code optimizer_steps},
 * {@code num_tokens}: prompt and completion tokens seen). The rollout's random streams are functions of the seed and
 * the step, so they need no state.
 */
public record TrainerState(int step, int skippedSteps, int dataEpoch, int dataPosition, long optimizerSteps, long numTokens) {}

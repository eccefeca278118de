package org.tarpo4j.rl.train;

/**
 * What besides weights and optimiser moments a resumed run needs to continue exactly ({@code trainer_state.json}).
 * (The rollout's random streams are functions of the seed and the step, so they need no state.)
 */
record TrainerState(int step, int skippedSteps, int dataEpoch, int dataPosition,
                           long optimizerSteps) {}

package org.tarpo4j.rl.train;

/**
 * What besides weights and optimiser moments a resumed run needs to continue exactly ({@code trainer_state.json}).
 */
record TrainerState(int step, int skippedSteps, long samplingRngState, int dataEpoch, int dataPosition,
                           long optimizerSteps) {}

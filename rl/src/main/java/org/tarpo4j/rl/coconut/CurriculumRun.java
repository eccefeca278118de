package org.tarpo4j.rl.coconut;

import org.tarpo4j.rl.progress.ProgressReporter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * COCONUT's curriculum as a loop: stages 1 to {@link Curriculum#stages()}, each with a fresh optimiser and
 * {@code stepsPerStage} updates of {@code batchSize} examples staged at it (progress on standard error).
 */
public final class CurriculumRun {
    /**
     * One update of the run.
     *
     * @param step     updates so far, this one included (from 1)
     * @param stage    its stage (from 1)
     * @param loss     its mean loss per language token (NaN if skipped as non-finite)
     * @param thoughts its examples' mean number of continuous thoughts
     */
    public record Step(int step, int stage, double loss, double thoughts) {}

    private CurriculumRun() {}

    /**
     * @param trainer       the trainer (its model is trained in place)
     * @param curriculum    the stages
     * @param stepsPerStage updates per stage
     * @param batchSize     examples per update
     * @param examples      the next training example, on each call
     * @param onStep        receives each update's figures
     * @return the updates made
     */
    public static int run(CoconutTrainer trainer, Curriculum curriculum, int stepsPerStage, int batchSize,
                          Supplier<ReasoningExample> examples, Consumer<Step> onStep) {
        int step = 0;
        try (ProgressReporter progress = new ProgressReporter("coconut", curriculum.stages() * stepsPerStage, 0)) {
            for (int stage = 1; stage <= curriculum.stages(); stage++) {
                trainer.resetOptimizer();
                for (int i = 0; i < stepsPerStage; i++) {
                    List<Curriculum.Staged> batch = new ArrayList<>();
                    for (int b = 0; b < batchSize; b++) batch.add(curriculum.stage(examples.get(), stage));
                    double loss = trainer.step(batch);
                    step++;
                    onStep.accept(new Step(step, stage, loss, batch.stream().mapToInt(Curriculum.Staged::thoughts).average().orElse(0)));
                    progress.advance(String.format(Locale.ROOT, "stage %d loss %.3f", stage, loss));
                }
            }
        }
        return step;
    }
}

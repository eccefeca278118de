package org.tarpo4j.models.training;

/**
 * The factor applied to the base learning rates at a step: linear warm-up, then constant, linear or cosine decay
 * to zero at the last step (as {@code transformers.get_*_schedule_with_warmup}).
 */
public record LearningRateSchedule(Kind kind, int warmupSteps, int totalSteps) {
    public enum Kind { CONSTANT, LINEAR, COSINE }

    public LearningRateSchedule {
        if (warmupSteps < 0 || totalSteps <= 0) {
            throw new IllegalArgumentException("need warmup >= 0 and total > 0 steps, got " + warmupSteps + ", " + totalSteps);
        }
    }

    /** @param step 0-based index of the update about to be made */
    public double factor(int step) {
        if (step < warmupSteps) return (double) step / Math.max(1, warmupSteps); // HF: the first step has factor 0
        double progress = totalSteps <= warmupSteps ? 1 : (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        progress = Math.min(1, Math.max(0, progress));
        return switch (kind) {
            case CONSTANT -> 1.0;
            case LINEAR -> 1.0 - progress;
            case COSINE -> 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }
}

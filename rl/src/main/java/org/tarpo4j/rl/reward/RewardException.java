package org.tarpo4j.rl.reward;

import java.util.Objects;

/**
 * A reward function threw or returned a non-finite value. The message names the function, what it did and the sample
 * it was scoring, e.g. {@code reward 'brevity' returned NaN at training step 3, prompt 1 (problem "train.jsonl:7"),
 * generation 2}; the cause is the function's own exception, if it threw.
 */
public final class RewardException extends RuntimeException {
    /**
     * Which completion a reward was scoring.
     *
     * @param step            the training step (1-based, as in {@code metrics.jsonl}), or 0 outside training
     * @param promptIndex     the prompt's index in the step's batch, or the problem's index in an evaluation
     * @param problemId       the problem's {@code id}
     * @param generationIndex which of the prompt's completions, from 0
     *
     * @serial exclude (serialised only to travel between the JVMs of one Spark run)
     */
    public record Sample(int step, int promptIndex, String problemId, int generationIndex) implements java.io.Serializable {
        /**
         * Checks the fields.
         *
         * @param step            0 outside training
         * @param promptIndex     from 0
         * @param problemId       not null
         * @param generationIndex from 0
         * @throws IllegalArgumentException for a negative step or index
         */
        public Sample {
            Objects.requireNonNull(problemId, "problemId");
            if (step < 0 || promptIndex < 0 || generationIndex < 0) {
                throw new IllegalArgumentException("negative step or index: " + step + ", " + promptIndex + ", " + generationIndex);
            }
        }

        /**
         * A completion of a training step.
         *
         * @param step            the step, from 1
         * @param promptIndex     the prompt's index in the step's batch
         * @param problemId       the problem's id
         * @param generationIndex which of the prompt's completions
         * @return the sample
         */
        public static Sample training(int step, int promptIndex, String problemId, int generationIndex) {
            return new Sample(step, promptIndex, problemId, generationIndex);
        }

        /**
         * A completion of an evaluation.
         *
         * @param problemIndex    the problem's index in the evaluated list
         * @param problemId       the problem's id
         * @param generationIndex which of the problem's k completions
         * @return the sample, with step 0
         */
        public static Sample evaluation(int problemIndex, String problemId, int generationIndex) {
            return new Sample(0, problemIndex, problemId, generationIndex);
        }

        /**
         * For messages.
         *
         * @return {@code training step 3, prompt 1 (problem "p4"), generation 2}, or in an evaluation
         *         {@code evaluation, problem 5 ("p9"), sample 2}
         */
        public String describe() {
            return step > 0
                    ? "training step " + step + ", prompt " + promptIndex + " (problem \"" + problemId + "\"), generation " + generationIndex
                    : "evaluation, problem " + promptIndex + " (\"" + problemId + "\"), sample " + generationIndex;
        }
    }

    /** The failing function's name. */
    private final String reward;
    /** The completion it was scoring. */
    private final Sample sample;

    /**
     * @param reward the failing function's {@link RewardFunction#name()}
     * @param sample the completion it was scoring
     * @param what   what it did, e.g. {@code "returned NaN"}
     * @param cause  its exception, or null
     */
    RewardException(String reward, Sample sample, String what, Throwable cause) {
        super("reward '" + reward + "' " + what + " at " + sample.describe(), cause);
        this.reward = reward;
        this.sample = sample;
    }

    /**
     * The failing function.
     *
     * @return its {@link RewardFunction#name()}
     */
    public String reward() { return reward; }

    /**
     * The completion it was scoring.
     *
     * @return the step and sample
     */
    public Sample sample() { return sample; }
}

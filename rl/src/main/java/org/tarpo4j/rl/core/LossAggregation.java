package org.tarpo4j.rl.core;

/**
 * How per-token objectives are averaged into the loss, as per-row weights over a whole optimiser step (TRL's
 * {@code loss_type}): the loss is {@code −Σ_i Σ_t w_i · mask_it · objective_it}, so a step split into micro-batches
 * sums to exactly the loss (and gradient) of the step in one pass, whatever the split.
 * <ul>
 *   <li>GRPO: {@code w_i = 1 / (B · |o_i|)}, the mean over each sequence's tokens, then over the B sequences (an empty
 *       sequence counts as 0);</li>
 *   <li>BNPO and DAPO: {@code w_i = 1 / Σ_j |o_j|}, the mean over every token of the step. (TRL's {@code bnpo} divides
 *       by the tokens of each micro-batch, which makes the update depend on how memory is split; here it is the
 *       step's, as DAPO's);</li>
 *   <li>DR_GRPO: {@code w_i = 1 / (B · L_max)}, with the constant normaliser of Dr. GRPO.</li>
 * </ul>
 */
public final class LossAggregation {
    private LossAggregation() {}

    /**
     * @param tokens              {@code |o_i|}: the completion tokens each of the step's B rows has in the loss (after
     *                            masking truncated completions)
     * @param maxCompletionLength Dr. GRPO's {@code L_max}
     * @return {@code w_i} per row
     */
    public static double[] rowWeights(LossType type, int[] tokens, int maxCompletionLength) {
        int rows = tokens.length;
        double[] w = new double[rows];
        long total = 0;
        for (int t : tokens) total += t;
        for (int i = 0; i < rows; i++) {
            w[i] = switch (type) {
                case GRPO -> tokens[i] == 0 ? 0 : 1.0 / ((double) rows * tokens[i]);
                case BNPO, DAPO -> total == 0 ? 0 : 1.0 / total;
                case DR_GRPO -> 1.0 / ((double) rows * maxCompletionLength);
            };
        }
        return w;
    }
}

package org.tarpo4j.rl.coconut;

import org.tarpo4j.models.latent.ContinuousThoughtGraph;

import java.util.ArrayList;
import java.util.List;

/**
 * COCONUT's curriculum: at stage k the first k reasoning steps are replaced by {@code c·k} continuous thoughts between
 * the begin/end-of-thought markers; the loss covers the remaining language tokens. Stage 0 is plain chain of thought.
 * A solution with fewer than k steps loses all of them and still gets {@code c·k} thoughts, as COCONUT's data code
 * does: evaluation always runs {@code c·stages} thoughts, so every problem must have seen that many in training.
 *
 * @param thoughtsPerStep c (2 in the paper)
 * @param stages          the last stage (3 in the paper's GSM8K setting); evaluation uses {@code c · stages} thoughts
 */
public record Curriculum(int thoughtsPerStep, int stages, int beginId, int endId) {
    public Curriculum {
        if (thoughtsPerStep <= 0 || stages < 0) throw new IllegalArgumentException("need c > 0 and stages >= 0");
    }

    /** The paper's GSM8K curriculum: c = 2 thoughts per replaced step, 3 stages (6 thoughts at evaluation). */
    public static Curriculum paper(int beginId, int endId) {
        return new Curriculum(2, 3, beginId, endId);
    }

    /** An example at a stage, with its number of thoughts ({@code c · k}). */
    public record Staged(ContinuousThoughtGraph.Example example, int thoughts) {}

    public Staged stage(ReasoningExample e, int stage) {
        int replaced = Math.min(stage, e.steps().size());
        int[] prefix = java.util.Arrays.copyOf(e.prompt(), e.prompt().length + 1);
        prefix[e.prompt().length] = beginId;
        List<Integer> suffix = new ArrayList<>(List.of(endId));
        for (int i = replaced; i < e.steps().size(); i++) for (int id : e.steps().get(i)) suffix.add(id);
        for (int id : e.answer()) suffix.add(id);
        return new Staged(new ContinuousThoughtGraph.Example(prefix, suffix.stream().mapToInt(Integer::intValue).toArray()),
                thoughtsPerStep * stage);
    }

    /** The thoughts used at evaluation: as many as the last stage gives. */
    public int evaluationThoughts() { return thoughtsPerStep * stages; }
}

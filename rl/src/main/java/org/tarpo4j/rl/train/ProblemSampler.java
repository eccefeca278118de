package org.tarpo4j.rl.train;

import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.rl.data.Problem;

import java.util.ArrayList;
import java.util.List;

/**
 * Draws prompts for each step: a fresh seeded shuffle per epoch, consumed in order. Its whole state is
 * (epoch, position), so a resumed run draws exactly what the uninterrupted run would have.
 */
final class ProblemSampler {
    private final List<Problem> problems;
    private final long seed;
    private int epoch, position;
    private int[] order;

    public ProblemSampler(List<Problem> problems, long seed) {
        if (problems.isEmpty()) throw new IllegalArgumentException("no training problems");
        this.problems = List.copyOf(problems);
        this.seed = seed;
        this.order = shuffle(0);
    }

    public List<Problem> next(int n) {
        List<Problem> out = new ArrayList<>(n);
        while (out.size() < n) {
            if (position == order.length) {
                epoch++;
                position = 0;
                order = shuffle(epoch);
            }
            out.add(problems.get(order[position++]));
        }
        return out;
    }

    public int epoch() { return epoch; }

    /** Passes over the problems so far, fractional (TRL's {@code epoch}): 1.0 once every problem was drawn once. */
    public double passes() { return epoch + (double) position / order.length; }

    public int position() { return position; }

    public void restore(int epoch, int position) {
        this.epoch = epoch;
        this.position = position;
        this.order = shuffle(epoch);
    }

    private int[] shuffle(int e) {
        Rng rng = new Rng(seed * 0x9E3779B97F4A7C15L + e);
        int[] idx = new int[problems.size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        for (int i = idx.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }
}

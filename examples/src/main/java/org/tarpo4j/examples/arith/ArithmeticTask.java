package org.tarpo4j.examples.arith;

import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.reward.AnswerExtraction;
import org.tarpo4j.rl.reward.AnswerRule;
import org.tarpo4j.rl.reward.Gsm8kReward;
import org.tarpo4j.rl.reward.RewardFunction;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The embedded default task: {@code "Compute 7+5*3-2."} answered {@code "5*3=15, 7+15=22, 22-2=20 #### 20"}.
 *
 * <p>Problems have {@code minOps..maxOps} operations (uniform) from {+, -, *} (uniform), operands uniform in
 * {@code 1..maxOperand}, standard precedence. With {@code noNegative}, a problem some step of whose solution goes
 * below zero is rejected and drawn again. The reference completion gives one step per operation, multiplications
 * first, left to right, then a left-to-right fold of the additions and subtractions. Everything is deterministic given
 * the seeds.
 */
public final class ArithmeticTask {
    private static final char[] OPS = {'+', '-', '*'};
    // a stream that rejects this many problems in a row has run out of new ones
    private static final int MAX_CONSECUTIVE_REJECTIONS = 1_000_000;

    /**
     * @param minOps     fewest operations, at least 1
     * @param maxOps     most operations
     * @param maxOperand operands are drawn from 1..maxOperand
     * @param noNegative reject problems whose solution has a negative step
     * @param seed       the seed of {@link #heldOut(int)}; {@link #trainingStream(Set)} uses {@code seed + 1}
     */
    public record Config(int minOps, int maxOps, int maxOperand, boolean noNegative, long seed) {
        /** The calibrated default: 2-3 operations, operands 1-9, no negative steps. */
        public static final Config DEFAULT = new Config(2, 3, 9, true, 0);

        public Config {
            if (minOps < 1 || maxOps < minOps) {
                throw new IllegalArgumentException("need 1 <= minOps <= maxOps, got " + minOps + ".." + maxOps);
            }
            if (maxOperand < 1) throw new IllegalArgumentException("maxOperand must be at least 1, got " + maxOperand);
            // the largest value any step can reach is maxOperand^(maxOps+1); keep it well inside a long
            if (BigInteger.valueOf(maxOperand).pow(maxOps + 1).bitLength() > 60) {
                throw new IllegalArgumentException("maxOperand^(maxOps+1) = " + maxOperand + "^" + (maxOps + 1)
                        + " is too large for exact arithmetic");
            }
        }
    }

    private final Config config;

    public ArithmeticTask(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** The name of the task's reward, in metrics ({@code rewards/arith/mean}) and in {@code reward_weights}. */
    public static final String REWARD = "arith";

    /** The task's reward: the GSM8K rule (one {@code ####}, last number after it equals the answer), named after the task. */
    public static RewardFunction reward() {
        return new Gsm8kReward(REWARD, AnswerExtraction.DEFAULT_MARKER, AnswerRule.SINGLE_MARKER);
    }

    /** The prompt text of an expression: {@code "Compute 9*1-2."}. */
    public static String prompt(String expression) {
        return "Compute " + expression + ".";
    }

    /**
     * One problem drawn from {@code rng}: prompt {@code "Compute 9*1-2."}, answer {@code "7"}, reference
     * {@code "9*1=9, 9-2=7 #### 7"}, id {@code "arith:9*1-2"}.
     */
    public Problem generate(Rng rng) {
        while (true) {
            Expression e = draw(rng);
            Expression.Solution s = e.solve();
            if (config.noNegative() && s.goesNegative()) continue;
            return new Problem("arith:" + e.text(), prompt(e.text()), Long.toString(s.result()), s.completion());
        }
    }

    private Expression draw(Rng rng) {
        int n = config.minOps() + rng.nextInt(config.maxOps() - config.minOps() + 1);
        List<Long> operands = new ArrayList<>(n + 1);
        List<Character> ops = new ArrayList<>(n);
        operands.add(operand(rng));
        for (int i = 0; i < n; i++) {
            ops.add(OPS[rng.nextInt(OPS.length)]);
            operands.add(operand(rng));
        }
        return new Expression(operands, ops);
    }

    private long operand(Rng rng) {
        return 1 + rng.nextInt(config.maxOperand());
    }

    /**
     * The longest reference completion the config can produce: {@code maxOps} multiplications of {@code maxOperand}
     * (every number in the chain as long as it can be; an exhaustive search of small configs finds none longer).
     * Sizes the completion budget of a task with more operations or larger operands.
     *
     * @throws IllegalArgumentException for a config that allows negative steps: a minus sign can make a chain longer
     */
    public static String longestReference(Config config) {
        if (!config.noNegative()) {
            throw new IllegalArgumentException("the longest reference is known only without negative steps: " + config);
        }
        return allMultiplications(config).solve().completion();
    }

    /** The longest prompt text of the config: {@code maxOps + 1} operands of {@code maxOperand}'s width. */
    public static String longestPrompt(Config config) {
        return prompt(allMultiplications(config).text());
    }

    private static Expression allMultiplications(Config config) {
        List<Long> operands = new ArrayList<>();
        List<Character> ops = new ArrayList<>();
        operands.add((long) config.maxOperand());
        for (int i = 0; i < config.maxOps(); i++) {
            ops.add('*');
            operands.add((long) config.maxOperand());
        }
        return new Expression(operands, ops);
    }

    /** {@link #heldOut(int, long)} with the config's seed. */
    public List<Problem> heldOut(int n) {
        return heldOut(n, config.seed());
    }

    /**
     * {@code n} problems with distinct prompt strings, in draw order.
     *
     * @throws IllegalArgumentException when the configuration cannot give {@code n} distinct problems
     */
    public List<Problem> heldOut(int n, long seed) {
        if (n < 0) throw new IllegalArgumentException("n must be non-negative, got " + n);
        Rng rng = new Rng(seed);
        Map<String, Problem> byPrompt = new LinkedHashMap<>();
        long attempts = 0;
        long maxAttempts = 10_000L + 100L * n;
        while (byPrompt.size() < n) {
            if (++attempts > maxAttempts) {
                throw new IllegalArgumentException("found only " + byPrompt.size() + " distinct problems of the " + n
                        + " asked for in " + maxAttempts + " draws: " + config);
            }
            Problem p = generate(rng);
            byPrompt.putIfAbsent(p.prompt(), p);
        }
        return List.copyOf(byPrompt.values());
    }

    /** {@link #trainingStream(Set, long)} with the config's seed + 1. */
    public Iterator<Problem> trainingStream(Set<String> excludedPrompts) {
        return trainingStream(excludedPrompts, config.seed() + 1);
    }

    /**
     * An endless stream of problems (repeats possible) whose prompt strings are never in {@code excludedPrompts}
     * (e.g. the held-out prompts). {@code next()} throws {@link IllegalStateException} if it cannot find one.
     */
    public Iterator<Problem> trainingStream(Set<String> excludedPrompts, long seed) {
        Set<String> excluded = Set.copyOf(excludedPrompts);
        Rng rng = new Rng(seed);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Problem next() {
                for (int i = 0; i < MAX_CONSECUTIVE_REJECTIONS; i++) {
                    Problem p = generate(rng);
                    if (!excluded.contains(p.prompt())) return p;
                }
                throw new IllegalStateException("every problem drawn is excluded: " + config);
            }
        };
    }

    /** The prompt strings of {@code problems}, e.g. to exclude a held-out set from training. */
    public static Set<String> prompts(List<Problem> problems) {
        Set<String> s = new HashSet<>();
        for (Problem p : problems) s.add(p.prompt());
        return s;
    }
}

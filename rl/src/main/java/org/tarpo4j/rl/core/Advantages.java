package org.tarpo4j.rl.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Group-relative advantages (GRPO): {@code A_i = (r_i - mean_g r) / (std_g r + 1e-4)}, one per completion, shared by
 * every token and route of it. Completions are prompt-major: group g is {@code [g·G, (g+1)·G)}.
 */
public final class Advantages {
    public static final double EPS = 1e-4;

    /** How rewards are scaled after centring by the group mean (TRL's {@code scale_rewards}). */
    /** What rewards are divided by: the group's std, the batch's std, or nothing (TRL's {@code scale_rewards}). */
    public enum ScaleRewards {
        GROUP, BATCH, NONE;

        /**
         * By name, as in configs, case-insensitive; TRL's older booleans too ({@code true} = group, {@code false} = none).
         *
         * @param s group, batch or none
         * @return the scaling
         * @throws IllegalArgumentException for another name
         */
        @JsonCreator
        public static ScaleRewards parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "group", "true" -> GROUP;
                case "batch" -> BATCH;
                case "none", "false" -> NONE;
                default -> throw new IllegalArgumentException("scale_rewards must be group, batch or none, got '" + s + "'");
            };
        }

        /** @return the lower-case name, as in configs */
        @JsonValue
        public String id() { return name().toLowerCase(Locale.ROOT); }
    }

    private Advantages() {}

    /**
     * @param rewards one per completion, {@code [B·G]}
     * @param bessel  Bessel's correction in the std (n − 1), as torch.std and the method
     */
    public static double[] compute(double[] rewards, int groupSize, ScaleRewards scale, boolean bessel) {
        if (groupSize <= 0 || rewards.length % groupSize != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards do not form groups of " + groupSize);
        }
        double[] adv = new double[rewards.length];
        double batchStd = std(rewards, 0, rewards.length, bessel);
        for (int start = 0; start < rewards.length; start += groupSize) {
            double mean = mean(rewards, start, groupSize);
            double std = std(rewards, start, groupSize, bessel);
            for (int i = start; i < start + groupSize; i++) {
                double centred = rewards[i] - mean;
                adv[i] = switch (scale) {
                    case GROUP -> centred / (std + EPS);
                    case BATCH -> centred / (batchStd + EPS);
                    case NONE -> centred;
                };
                if (allEqual(rewards, start, groupSize)) adv[i] = 0.0; // exactly zero, whatever the rounding of the mean
            }
        }
        return adv;
    }

    /** The fraction of groups whose rewards are all equal (TRL's {@code frac_reward_zero_std}). */
    public static double fractionZeroStd(double[] rewards, int groupSize) {
        int groups = rewards.length / groupSize, zero = 0;
        for (int start = 0; start < rewards.length; start += groupSize) {
            if (allEqual(rewards, start, groupSize)) zero++;
        }
        return groups == 0 ? 0 : (double) zero / groups;
    }

    static boolean allEqual(double[] x, int start, int n) {
        for (int i = start + 1; i < start + n; i++) if (x[i] != x[start]) return false;
        return true;
    }

    static double mean(double[] x, int start, int n) {
        double s = 0;
        for (int i = start; i < start + n; i++) s += x[i];
        return s / n;
    }

    static double std(double[] x, int start, int n, boolean bessel) {
        if (n < 2) return 0;
        double m = mean(x, start, n), s = 0;
        for (int i = start; i < start + n; i++) s += (x[i] - m) * (x[i] - m);
        return Math.sqrt(s / (bessel ? n - 1 : n));
    }
}

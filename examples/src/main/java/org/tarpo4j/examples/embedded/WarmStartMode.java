package org.tarpo4j.examples.embedded;

import java.util.Locale;

/**
 * Which warm start a comparison's seed starts from. Either way every method of a seed starts from the same one.
 */
public enum WarmStartMode {
    /** One warm start (SFT seed 0) for every seed: the seeds vary RL only. */
    SHARED,
    /** Seed s starts from the warm start trained with SFT seed s: the seeds vary the warm start too. */
    PER_SEED;

    /** @return the name in options and files: {@code shared} or {@code per_seed} */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** The warm start's SFT seed for an RL seed. */
    public long sftSeed(long seed) { return this == SHARED ? 0 : seed; }

    public static WarmStartMode parse(String id) {
        for (WarmStartMode m : values()) if (m.id().equals(id)) return m;
        throw new IllegalArgumentException("warm_start must be shared or per_seed, got '" + id + "'");
    }
}

package org.tarpo4j.models.generation;

/**
 * A small seeded random generator (SplitMix64) whose whole state is one {@code long}, so a training run can save
 * and restore it exactly. Not thread-safe; use one per purpose.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class Rng {
    private long state;

    public Rng(long seed) { this.state = seed; }

    public long state() { return state; }

    public void setState(long state) { this.state = state; }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1), 53 bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    /**
     * The stream of one sampled sequence: a function of the seed and the row's identity (its prompt and, for several
     * samples of a prompt, the sample's index) only, so that rows draw the same values whether they are decoded
     * together, in smaller batches, or on other machines.
     */
    public static Rng forRow(long seed, long prompt, long sample) {
        Rng mix = new Rng(seed);
        mix.state ^= new Rng(prompt * 0x632BE59BD9B4E019L + 1).nextLong();
        long a = mix.nextLong();
        return new Rng(a ^ new Rng(sample * 0x8CB92BA72F3D8DD7L + 3).nextLong());
    }

    /** An independent generator derived from this one (advances this one by one draw). */
    public Rng split() { return new Rng(nextLong()); }
}

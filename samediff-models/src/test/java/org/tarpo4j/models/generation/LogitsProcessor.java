package org.tarpo4j.models.generation;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Turns one row of logits into a {@link TokenDistribution}: banned ids removed (e.g. PAD and BOS, which an early
 * model may otherwise sample and which would silently end or corrupt a sequence), temperature, top-k, top-p.
 */
final class LogitsProcessor {
    private final SamplingConfig config;
    private final boolean[] banned;

    public LogitsProcessor(SamplingConfig config, int vocab, Set<Integer> bannedIds) {
        this.config = config;
        this.banned = new boolean[vocab];
        for (int id : bannedIds) if (id >= 0 && id < vocab) banned[id] = true;
    }

    public SamplingConfig config() { return config; }

    public boolean isBanned(int id) { return banned[id]; }

    public TokenDistribution process(float[] logits) {
        if (logits.length != banned.length) {
            throw new IllegalArgumentException("logits row has " + logits.length + " entries, vocabulary is " + banned.length);
        }
        double t = config.greedy() ? 1.0 : config.temperature();
        int k = config.greedy() ? 1 : config.topK() == 0 ? logits.length : config.topK();
        int[] ids = topIds(logits, k);
        double max = logits[ids[0]] / t, total = 0;
        if (!Double.isFinite(max)) throw new IllegalStateException("non-finite logits (largest is " + logits[ids[0]] + ")");
        double[] p = new double[ids.length];
        for (int i = 0; i < ids.length; i++) total += p[i] = Math.exp(logits[ids[i]] / t - max);
        for (int i = 0; i < ids.length; i++) p[i] /= total;
        int keep = ids.length;
        if (!config.greedy() && config.topP() < 1) {
            double acc = 0;
            for (int i = 0; i < ids.length; i++) {
                acc += p[i];
                if (acc >= config.topP()) { keep = i + 1; break; }
            }
        }
        if (keep < ids.length) {
            ids = Arrays.copyOf(ids, keep);
            p = Arrays.copyOf(p, keep);
            double s = 0;
            for (double v : p) s += v;
            for (int i = 0; i < keep; i++) p[i] /= s;
        }
        return new TokenDistribution(ids, p);
    }

    /** The k largest allowed logits' ids, largest first (ties: lower id first); a heap, not a full sort. */
    private int[] topIds(float[] logits, int k) {
        int allowed = 0;
        for (boolean b : banned) if (!b) allowed++;
        if (allowed == 0) throw new IllegalStateException("every token id is banned from sampling");
        k = Math.min(k, allowed);
        PriorityQueue<Integer> heap = new PriorityQueue<>(k + 1, (a, b) -> {
            int c = Float.compare(logits[a], logits[b]);
            return c != 0 ? c : Integer.compare(b, a); // the worst on top: smallest logit, then larger id
        });
        for (int i = 0; i < logits.length; i++) {
            if (banned[i]) continue;
            if (heap.size() < k) {
                heap.add(i);
            } else {
                int worst = heap.peek();
                if (logits[i] > logits[worst]) {
                    heap.poll();
                    heap.add(i);
                }
            }
        }
        int[] out = new int[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) out[i] = heap.poll();
        return out;
    }
}

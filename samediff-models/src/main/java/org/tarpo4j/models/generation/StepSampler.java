package org.tarpo4j.models.generation;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.HostArrays;

import java.util.Arrays;
import java.util.Set;

/**
 * Samples a decode step's tokens for all rows from one bulk copy of the logits, giving exactly what the per-row Java
 * path gives: {@code LogitsProcessor.process} (the per-row reference, in the tests) then {@link TokenDistribution#sample(Rng)} (or the argmax when greedy)
 * for the token, {@link TokenDistribution#top} for TARPO's soft input, and
 * {@code TokenLogProbs.logProb} for the token's full-vocabulary log-prob — same candidates in the same order, the same
 * double-precision arithmetic in the same order, the same single {@link Rng#nextDouble()} per sampled row, so the
 * results are bit-identical (a test checks thousands of rows, ties and banned ids included).
 *
 * <p>Why not on the native side: in ND4J M2.1 the {@code top_k} op costs 3–4 ms for k = 1 and 26/90 ms for
 * k = 11/51 (sorted) on {@code [8, 8192]} floats, more than a whole decode step, while one bulk copy of the step's
 * logits costs tens of microseconds. What made the Java path slow was not the copy but a boxed
 * {@code PriorityQueue} over the whole vocabulary when {@code top_k = 0} (15 ms per step for 8 rows of 8192) and a
 * per-row {@code toFloatMatrix} copy. Here the candidates are ordered by a stable radix sort on the logits' bits
 * (descending, ties by ascending id, as the heap orders them), or a small insertion selection when top-k is set.
 *
 * <p>Not thread-safe; one per rollout.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class StepSampler {
    /**
     * One row's draw.
     *
     * @param token    the sampled (or greedy) token
     * @param logProb  {@code log softmax(logits / τ)[token]} over the whole vocabulary, banned ids excluded, τ the
     *                 sampling temperature (1 when greedy)
     * @param entropy  the entropy (nats) of that same distribution, {@code softmax(logits / τ)} over the allowed ids:
     *                 how unsure the model was at this step ({@code NaN} when the log-prob is not computed)
     * @param topIds   the first {@code k} candidates of the processed distribution, most likely first
     * @param topProbs their probabilities ({@link TokenDistribution#top(int, boolean)})
     */
    public record Sample(int token, double logProb, double entropy, int[] topIds, double[] topProbs) {}

    private final SamplingConfig config;
    private final boolean[] banned;
    private final int vocab, allowed;
    private final double temperature;
    private float[] logits = new float[0];
    private int rows;
    // scratch, one row at a time
    private final double[] expByRank, expById;
    private final int[] order, orderTmp, keys, keysTmp;

    public StepSampler(SamplingConfig config, int vocab, Set<Integer> bannedIds) {
        this.config = config;
        this.vocab = vocab;
        this.banned = new boolean[vocab];
        for (int id : bannedIds) if (id >= 0 && id < vocab) banned[id] = true;
        int a = 0;
        for (boolean b : banned) if (!b) a++;
        if (a == 0) throw new IllegalStateException("every token id is banned from sampling");
        this.allowed = a;
        this.temperature = config.greedy() ? 1.0 : config.temperature();
        this.expByRank = new double[vocab];
        this.expById = new double[vocab];
        this.order = new int[vocab];
        this.orderTmp = new int[vocab];
        this.keys = new int[vocab];
        this.keysTmp = new int[vocab];
    }

    /** Copies a step's logits {@code [B, V]} (rows in batch order, any layout) in one bulk read ({@link HostArrays}). */
    public void load(INDArray stepLogits) {
        if (stepLogits.rank() != 2 || stepLogits.size(1) != vocab) {
            throw new IllegalArgumentException("expected [B, " + vocab + "] logits, got " + Arrays.toString(stepLogits.shape()));
        }
        rows = (int) stepLogits.size(0);
        preparedRow = -1;
        logits = HostArrays.floats(stepLogits);
    }

    public int rows() { return rows; }

    /** The processed distribution of a row, exactly {@code LogitsProcessor.process} (the per-row reference, in the tests) of it. */
    public TokenDistribution distribution(int row) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        int n = candidates(row);
        double[] p = probabilities(row, n);
        n = truncated(p, n);
        return new TokenDistribution(Arrays.copyOf(order, n), Arrays.copyOf(p, n));
    }

    /**
     * Draws a row's token (one {@code rng.nextDouble()} unless greedy, as {@link TokenDistribution#sample}) and
     * returns it with its log-prob and the first {@code topK} entries of the distribution.
     */
    public Sample sample(int row, Rng rng, int topK, boolean renormalise) {
        return sample(row, rng, topK, renormalise, true);
    }

    /**
     * As {@link #sample(int, Rng, int, boolean)}; without {@code logProb} the sample's log-prob and entropy are
     * {@code NaN} and the row's full-vocabulary normaliser is not computed (plain generation needs only the token).
     */
    public Sample sample(int row, Rng rng, int topK, boolean renormalise, boolean logProb) {
        if (logProb) prepare(row);
        int n = candidates(row);
        double[] p = probabilities(row, n);
        n = truncated(p, n);
        int token;
        if (config.greedy()) {
            token = order[0];
        } else {
            double u = rng.nextDouble(), acc = 0;
            token = order[n - 1]; // rounding left u above the total
            for (int i = 0; i < n; i++) {
                acc += p[i];
                if (u < acc) {
                    token = order[i];
                    break;
                }
            }
        }
        int k = Math.min(topK, n);
        double[] top = Arrays.copyOf(p, k);
        if (renormalise) {
            double total = 0;
            for (double v : top) total += v;
            for (int i = 0; i < k; i++) top[i] /= total;
        }
        return new Sample(token, logProb ? preparedLogProb(row, token) : Double.NaN, logProb ? rowEntropy : Double.NaN,
                Arrays.copyOf(order, k), top);
    }

    /** {@code TokenLogProbs.logProb} of the row at the sampling temperature, in the same order of operations. */
    public double logProb(int row, int token) {
        prepare(row);
        return preparedLogProb(row, token);
    }

    private int preparedRow = -1;
    private double rowMax, rowZ, rowEntropy;

    /**
     * The row's max of {@code logit / τ} over allowed ids and {@code exp(logit / τ - max)} per id, shared by the
     * log-prob (summed in id order, as TokenLogProbs) and the distribution (summed in candidate order, as
     * LogitsProcessor, whose max is the same number): one exponential per id instead of two. The entropy comes from
     * the same pass: {@code H = log Z - Σ e_i x_i / Z} with {@code x_i = logit_i / τ - max} and {@code e_i = exp(x_i)}.
     */
    private void prepare(int row) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        if (row == preparedRow) return;
        int base = row * vocab;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) if (!banned[i]) max = Math.max(max, logits[base + i] / temperature);
        double z = 0, weighted = 0;
        for (int i = 0; i < vocab; i++) {
            if (banned[i]) continue;
            double x = logits[base + i] / temperature - max;
            z += expById[i] = Math.exp(x);
            weighted += expById[i] * x;
        }
        rowMax = max;
        rowZ = z;
        rowEntropy = Math.log(z) - weighted / z;
        preparedRow = row;
    }

    private double preparedLogProb(int row, int token) {
        return banned[token] ? Double.NEGATIVE_INFINITY : logits[row * vocab + token] / temperature - rowMax - Math.log(rowZ);
    }

    /** Orders the row's candidates into {@code order[0..n)}: as LogitsProcessor's heap, largest first, ties by id. */
    private int candidates(int row) {
        int base = row * vocab;
        int k = config.greedy() ? 1 : config.topK() == 0 ? allowed : Math.min(config.topK(), allowed);
        if (k <= 64) return select(base, k);
        // stable LSD radix sort on descending float order, ids ascending within equal keys
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (banned[i]) continue;
            int bits = Float.floatToRawIntBits(logits[base + i]);
            if (Float.isNaN(logits[base + i])) throw new IllegalStateException("non-finite logits (NaN at id " + i + ")");
            int ascending = bits ^ ((bits >> 31) | 0x80000000);   // unsigned order = Float.compare order
            keys[n] = ~ascending;                                  // descending
            order[n++] = i;
        }
        int[] kIn = keys, kOut = keysTmp, oIn = order, oOut = orderTmp;
        int[] count = new int[256];
        for (int shift = 0; shift < 32; shift += 8) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) count[(kIn[i] >>> shift) & 0xFF]++;
            int sum = 0;
            for (int b = 0; b < 256; b++) {
                int c = count[b];
                count[b] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) {
                int dst = count[(kIn[i] >>> shift) & 0xFF]++;
                kOut[dst] = kIn[i];
                oOut[dst] = oIn[i];
            }
            int[] t = kIn; kIn = kOut; kOut = t;
            t = oIn; oIn = oOut; oOut = t;
        }
        // four passes: the result is back in keys/order
        return Math.min(k, n);
    }

    /** The k largest allowed logits by insertion (k ≤ 64): same set and order as the heap. */
    private int select(int base, int k) {
        int n = 0;
        for (int i = 0; i < vocab; i++) {
            if (banned[i]) continue;
            float v = logits[base + i];
            if (Float.isNaN(v)) throw new IllegalStateException("non-finite logits (NaN at id " + i + ")");
            if (n == k && Float.compare(v, logits[base + order[n - 1]]) <= 0) continue;   // not strictly better than the worst
            int j = n == k ? k - 1 : n++;
            while (j > 0 && Float.compare(v, logits[base + order[j - 1]]) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        return n;
    }

    /** LogitsProcessor's probabilities of the n ordered candidates. */
    private double[] probabilities(int row, int n) {
        int base = row * vocab;
        double t = temperature;
        double max = logits[base + order[0]] / t, total = 0;
        if (!Double.isFinite(max)) throw new IllegalStateException("non-finite logits (largest is " + logits[base + order[0]] + ")");
        // exp(logits[id] / t - max): the prepared value when there is one, max being the same number (the largest
        // allowed logit / t); computed here otherwise (top-k needs only k of them)
        double[] p = expByRank;
        boolean prepared = preparedRow == row;
        for (int i = 0; i < n; i++) {
            total += p[i] = prepared ? expById[order[i]] : Math.exp(logits[base + order[i]] / t - max);
        }
        for (int i = 0; i < n; i++) p[i] /= total;
        return p;
    }

    /** LogitsProcessor's top-p cut and renormalisation; returns the kept count. */
    private int truncated(double[] p, int n) {
        int keep = n;
        if (!config.greedy() && config.topP() < 1) {
            double acc = 0;
            for (int i = 0; i < n; i++) {
                acc += p[i];
                if (acc >= config.topP()) {
                    keep = i + 1;
                    break;
                }
            }
        }
        if (keep < n) {
            double s = 0;
            for (int i = 0; i < keep; i++) s += p[i];
            for (int i = 0; i < keep; i++) p[i] /= s;
        }
        return keep;
    }
}

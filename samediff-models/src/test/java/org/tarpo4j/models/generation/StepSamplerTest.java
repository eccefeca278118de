package org.tarpo4j.models.generation;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.tarpo4j.models.training.TokenLogProbs;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * StepSampler is bit-identical to LogitsProcessor + TokenDistribution.sample + top + TokenLogProbs.logProb, whatever the
 * layout of the logits it loads.
 */
class StepSamplerTest {
    private static final Set<Integer> BANNED = Set.of(0, 1, 7);

    @Test
    void identicalToTheJavaPathForEverySettingTiesAndBannedIdsIncluded() {
        List<SamplingConfig> configs = List.of(SamplingConfig.greedyDecoding(), SamplingConfig.sample(1.0, 0, 1.0),
                SamplingConfig.sample(0.7, 0, 0.9), SamplingConfig.sample(1.3, 5, 1.0), SamplingConfig.sample(1.0, 50, 0.95),
                SamplingConfig.sample(0.8, 100, 1.0), SamplingConfig.sample(1.0, 1, 1.0));
        int vocab = 300, rows = 16;
        SplittableRandom data = new SplittableRandom(5);
        for (SamplingConfig config : configs) {
            LogitsProcessor processor = new LogitsProcessor(config, vocab, BANNED);
            StepSampler sampler = new StepSampler(config, vocab, BANNED);
            double temperature = config.greedy() ? 1.0 : config.temperature();
            boolean[] banned = new boolean[vocab];
            for (int id : BANNED) banned[id] = true;
            Rng a = new Rng(9), b = new Rng(9);
            for (int round = 0; round < 40; round++) {
                float[][] logits = new float[rows][vocab];
                for (float[] row : logits) {
                    boolean coarse = data.nextInt(3) == 0;   // many exact ties
                    for (int i = 0; i < vocab; i++) {
                        double g = data.nextGaussian() * 3;
                        row[i] = coarse ? (float) (Math.round(g * 2) / 2.0) : (float) g;
                    }
                    if (data.nextInt(4) == 0) row[data.nextInt(vocab)] = -0.0f;
                }
                // the same numbers row-major, column-major (FastDecoder's step logits) and as a view of a larger array
                INDArray rowMajor = Nd4j.createFromArray(logits);
                INDArray step = switch (round % 3) {
                    case 0 -> rowMajor;
                    case 1 -> rowMajor.dup('f');
                    default -> Nd4j.vstack(rowMajor, rowMajor).get(NDArrayIndex.interval(rows, 2 * rows), NDArrayIndex.all());
                };
                sampler.load(step);
                for (int r = 0; r < rows; r++) {
                    TokenDistribution p = processor.process(logits[r]);
                    int token = config.greedy() ? p.argmax() : p.sample(a);
                    TokenDistribution top = p.top(4, round % 2 == 0);
                    double lp = TokenLogProbs.logProb(logits[r], token, temperature, banned);
                    // odd rounds: the distribution before the row's log-prob is prepared (exps computed on the spot)
                    TokenDistribution before = round % 2 == 1 ? sampler.distribution(r) : null;
                    StepSampler.Sample s = sampler.sample(r, b, 4, round % 2 == 0);
                    String what = config + " round " + round + " row " + r;
                    assertEquals(token, s.token(), what);
                    assertArrayEquals(top.ids(), s.topIds(), what);
                    assertArrayEquals(top.probs(), s.topProbs(), 0.0, what);
                    assertEquals(lp, s.logProb(), 0.0, what);
                    assertEquals(entropy(logits[r], temperature, banned), s.entropy(), 1e-9, what);
                    TokenDistribution full = before != null ? before : sampler.distribution(r);
                    assertArrayEquals(p.ids(), full.ids(), what);
                    assertArrayEquals(p.probs(), full.probs(), 0.0, what);
                    assertEquals(a.state(), b.state(), what + ": same number of draws");
                }
            }
        }
    }

    /** -Σ p log p of softmax(logits / τ) over the allowed ids, written out the direct way. */
    private static double entropy(float[] logits, double temperature, boolean[] banned) {
        double max = Double.NEGATIVE_INFINITY, z = 0, h = 0;
        for (int i = 0; i < logits.length; i++) if (!banned[i]) max = Math.max(max, logits[i] / temperature);
        for (int i = 0; i < logits.length; i++) if (!banned[i]) z += Math.exp(logits[i] / temperature - max);
        for (int i = 0; i < logits.length; i++) {
            if (banned[i]) continue;
            double p = Math.exp(logits[i] / temperature - max) / z;
            if (p > 0) h -= p * Math.log(p);
        }
        return h;
    }

    @Test
    void entropyOfHandComputedDistributions() {
        // ids 0 and 3 banned; allowed logits 0 and ln 3 at τ = 1: p = (1/4, 3/4), H = -(¼ ln ¼ + ¾ ln ¾) = 0.5623351446
        StepSampler s = new StepSampler(SamplingConfig.sample(1.0, 0, 1.0), 4, Set.of(0, 3));
        s.load(Nd4j.createFromArray(new float[][]{{5f, 0f, (float) Math.log(3), 9f}, {-1f, 2f, 2f, -1f}}));
        assertEquals(0.5623351446, s.sample(0, new Rng(1), 2, false).entropy(), 1e-7);
        assertEquals(Math.log(2), s.sample(1, new Rng(1), 2, false).entropy(), 1e-12); // two equal logits: ln 2
        // at τ = 2 the first row's allowed logits halve: p ∝ (1, √3), p = (0.3660254, 0.6339746), H = 0.6568063977
        StepSampler hot = new StepSampler(SamplingConfig.sample(2.0, 0, 1.0), 4, Set.of(0, 3));
        hot.load(Nd4j.createFromArray(new float[][]{{5f, 0f, (float) Math.log(3), 9f}}));
        assertEquals(0.6568063977, hot.sample(0, new Rng(1), 2, false).entropy(), 1e-7);
        assertEquals(Double.NaN, s.sample(0, new Rng(1), 2, false, false).entropy(), "no log-prob, no entropy");
    }

    @Test
    void rejectsWrongShapesAndAllBannedVocabularies() {
        StepSampler s = new StepSampler(SamplingConfig.sample(1, 0, 1), 4, Set.of());
        assertThrows(IllegalArgumentException.class, () -> s.load(Nd4j.zeros(2, 5)));
        assertThrows(IllegalStateException.class, () -> new StepSampler(SamplingConfig.greedyDecoding(), 2, Set.of(0, 1)));
    }
}

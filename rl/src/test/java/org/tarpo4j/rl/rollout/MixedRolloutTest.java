package org.tarpo4j.rl.rollout;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.GenerationConfig;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.training.TokenLogProbs;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.PolicyLoss;
import org.tarpo4j.rl.policy.TrainingBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixedRolloutTest {
    private static List<int[]> promptsPerCompletion(List<int[]> prompts, List<Completion> cs) {
        List<int[]> out = new ArrayList<>();
        for (Completion c : cs) out.add(prompts.get(c.promptIndex()));
        return out;
    }

    /** Teacher-forces the stored completions and compares per-step log-probs with the rollout's. */
    private static double recomputeGap(Policy policy, List<int[]> prompts, List<Completion> cs, boolean routes) {
        return recomputeGap(policy, prompts, cs, routes, 1.0);
    }

    private static double recomputeGap(Policy policy, List<int[]> prompts, List<Completion> cs, boolean routes, double temperature) {
        PolicyLoss.attachLogProbs(policy, temperature, Set.of(0, 1));
        TrainingBatch batch = new TrainingBatch(promptsPerCompletion(prompts, cs), cs, 0, policy.softInput().topK());
        Map<String, INDArray> ph = batch.modelInputs(policy, false);
        ph.put(PolicyLoss.COMPLETION_MASK, org.nd4j.linalg.factory.Nd4j.createFromArray(batch.completionMask));
        if (routes) ph.put(PolicyLoss.ROUTE_TARGETS, org.nd4j.linalg.factory.Nd4j.createFromArray(batch.routeTargets));
        List<String> outs = new ArrayList<>(List.of(PolicyLoss.TOKEN_LOGP, TokenLogProbs.TOKEN_ENTROPY));
        if (routes) outs.add(PolicyLoss.ROUTE_LOGP);
        Map<String, INDArray> out = policy.graph().sd().output(ph, outs);
        int width = batch.completionMask[0].length;
        double gap = 0;
        for (int r = 0; r < cs.size(); r++) {
            Completion c = cs.get(r);
            assertEquals(c.length(), c.tokenEntropies().length);
            for (int t = 0; t < c.length(); t++) {
                int col = batch.promptWidth + t - 1;
                gap = Math.max(gap, Math.abs(out.get(PolicyLoss.TOKEN_LOGP).getDouble(r, col) - c.tokenLogProbs()[t]));
                // the entropy the rollout records is the one the training forward computes at that position
                gap = Math.max(gap, Math.abs(out.get(TokenLogProbs.TOKEN_ENTROPY).getDouble((long) r * width + col) - c.tokenEntropies()[t]));
                if (routes) gap = Math.max(gap, Math.abs(out.get(PolicyLoss.ROUTE_LOGP).getDouble(r, col) - c.routeLogProbs()[t]));
            }
        }
        return gap;
    }

    @Test
    void teacherForcedForwardReproducesTheRolloutLogProbs() {
        Policy policy = RlTestModels.policy(RlTestModels.model(1), LatentMode.TARPO, 0.0); // 50/50 routing: a healthy mix
        MixedRollout rollout = new MixedRollout(policy, RlTestModels.rollout(4, 12, "@@"), RlTestModels.text());
        List<Completion> cs = rollout.generate(RlTestModels.prompts(), new Rng(7));
        int soft = cs.stream().mapToInt(Completion::softSteps).sum(), steps = cs.stream().mapToInt(Completion::length).sum();
        assertTrue(soft > 0.25 * steps && soft < 0.75 * steps, soft + " soft of " + steps);
        double gap = recomputeGap(policy, RlTestModels.prompts(), cs, true);
        assertTrue(gap <= 1e-4, "max |rollout - recompute| = " + gap);
    }

    @Test
    void rolloutAndRecomputeAgreeAtThePapersSamplingAndWithUnrenormalisedWeights() {
        // the method's sampling (temperature 0.5, top-k 50) on a vocabulary larger than 50, so top-k cuts, and the
        // mixture weights as the raw top-k probabilities: the released code's rollout weights, kept for the recompute
        var c = RlTestModels.config();
        var config = new org.tarpo4j.models.config.ModelConfig(c.modelType(), c.hiddenSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.numKeyValueHeads(), c.headDim(), c.intermediateSize(), 97, c.rmsNormEps(), c.ropeTheta(),
                c.ropeScaling(), c.maxPositionEmbeddings(), c.tieWordEmbeddings(), c.qkvBias(), c.outputBias(), c.mlpBias(),
                c.bosTokenId(), c.eosTokenIds(), c.padTokenId(), c.torchDtype());
        CausalLm lm = CausalLm.initialise(config, 12, null);
        lm.parameters().asMap().forEach((k, v) -> { if (!k.endsWith("norm.weight")) v.muli(12); });
        Policy policy = new Policy(lm, LatentMode.TARPO, new org.tarpo4j.layers.tarpo.SoftInputConfig(10, false),
                org.tarpo4j.layers.tarpo.RouterConfig.withActionBias(0.0), null);
        RolloutConfig rc = new RolloutConfig(4, org.tarpo4j.models.generation.SamplingConfig.sample(0.5, 50, 1.0), 12, false, "@@",
                Set.of(2), Set.of(0, 1), 0);
        List<Completion> cs = new MixedRollout(policy, rc, RlTestModels.text()).generate(RlTestModels.prompts(), new Rng(13));
        int soft = 0, unnormalised = 0;
        for (Completion x : cs) {
            for (int t = 0; t < x.length(); t++) {
                if (x.routes()[t] == 0) continue;
                soft++;
                double sum = 0;
                for (float w : x.softWeights()[t]) sum += w;
                if (sum < 1 - 1e-4) unnormalised++;
            }
        }
        assertTrue(soft > 10, "soft steps: " + soft);
        assertTrue(unnormalised > soft / 2, "the weights are the raw probabilities: " + unnormalised + " of " + soft + " sum below 1");
        double gap = recomputeGap(policy, RlTestModels.prompts(), cs, true, 0.5);
        assertTrue(gap <= 1e-4, "max |rollout - recompute| = " + gap);
    }

    @Test
    void theStepThatEmitsTheMarkerIsStillRoutedFreely() {
        // a router that routes ~95% soft: were the marker step forced hard, none of them would be soft
        Policy policy = RlTestModels.policy(RlTestModels.model(5), LatentMode.TARPO, -3.0);
        TextDecoder text = RlTestModels.text();
        List<Completion> cs = new MixedRollout(policy, RlTestModels.rollout(8, 30, "#"), text).generate(RlTestModels.prompts(), new Rng(9));
        int markerSteps = 0, softMarkerSteps = 0;
        for (Completion c : cs) {
            for (int t = 0; t < c.length(); t++) {
                if (!text.token(c.tokens()[t]).contains("#")) continue;
                markerSteps++; // the first step whose token completes the marker
                softMarkerSteps += c.routes()[t];
                break;
            }
        }
        assertTrue(markerSteps >= 10, "too few completions with the marker: " + markerSteps);
        assertTrue(softMarkerSteps > markerSteps / 2, softMarkerSteps + " of " + markerSteps + " marker steps soft");
    }

    @Test
    void hiddenStateSoftInputsAgreeWithTheirRecomputeToo() {
        var lm = RlTestModels.model(8);
        Policy policy = new Policy(lm, LatentMode.TARPO, new org.tarpo4j.layers.tarpo.SoftInputConfig(4, true,
                org.tarpo4j.layers.tarpo.SoftInputConfig.Source.HIDDEN_STATE), org.tarpo4j.layers.tarpo.RouterConfig.withActionBias(0.0), null);
        List<Completion> cs = new MixedRollout(policy, RlTestModels.rollout(3, 10, "@@"), RlTestModels.text())
                .generate(RlTestModels.prompts(), new Rng(4));
        int soft = cs.stream().mapToInt(Completion::softSteps).sum();
        assertTrue(soft > 10, "soft steps: " + soft);
        for (Completion c : cs) {
            for (int t = 0; t < c.length(); t++) assertEquals(c.routes()[t] == 1, c.latentInputs()[t] != null);
        }
        double gap = recomputeGap(policy, RlTestModels.prompts(), cs, true);
        assertTrue(gap <= 1e-4, "max |rollout - recompute| = " + gap);
    }

    @Test
    void aSingleRowDecodesThroughTheGraphToo() {
        // the graph path with one row and one position: [1, 1] inputs used to break the mixer (expand_dims in M2.1)
        Policy policy = RlTestModels.policy(RlTestModels.model(9), LatentMode.TARPO, 0.0);
        policy.setDecoderFactory(Policy::graphDecoder);
        List<int[]> one = List.of(new int[]{1, 5, 9});
        List<Completion> cs = new MixedRollout(policy, RlTestModels.rollout(1, 6, "@@"), RlTestModels.text()).generate(one, new Rng(2));
        assertEquals(1, cs.size());
        assertTrue(recomputeGap(policy, one, cs, true) <= 1e-4);
    }

    @Test
    void hrpoRolloutAgreesWithItsRecomputeToo() {
        Policy policy = RlTestModels.policy(RlTestModels.model(2), LatentMode.HRPO, 0.0);
        List<Completion> cs = new MixedRollout(policy, RlTestModels.rollout(3, 10, "@@"), RlTestModels.text())
                .generate(RlTestModels.prompts(), new Rng(3));
        assertTrue(cs.stream().allMatch(c -> c.softSteps() == c.length()), "hrpo mixes every step before the marker");
        assertTrue(recomputeGap(policy, RlTestModels.prompts(), cs, false) <= 1e-4);
    }

    @Test
    void sameSeedSameRolloutsDifferentSeedDifferentOnes() {
        Policy policy = RlTestModels.policy(RlTestModels.model(3), LatentMode.TARPO, 0.0);
        MixedRollout rollout = new MixedRollout(policy, RlTestModels.rollout(2, 10, "@@"), RlTestModels.text());
        List<Completion> a = rollout.generate(RlTestModels.prompts(), new Rng(11));
        List<Completion> b = rollout.generate(RlTestModels.prompts(), new Rng(11));
        List<Completion> c = rollout.generate(RlTestModels.prompts(), new Rng(12));
        boolean anyDifferent = false;
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
            assertArrayEquals(a.get(i).routes(), b.get(i).routes());
            assertArrayEquals(a.get(i).tokenLogProbs(), b.get(i).tokenLogProbs());
            anyDifferent |= !Arrays.equals(a.get(i).tokens(), c.get(i).tokens()) || !Arrays.equals(a.get(i).routes(), c.get(i).routes());
        }
        assertTrue(anyDifferent);
    }

    @Test
    void softRatioOfAnUntrainedRouterFollowsItsBias() {
        for (double[] biasAndRatio : new double[][]{{4.6, 0.01}, {0.0, 0.5}}) {
            // a fresh model each time: a model that already has a router keeps it (that is how checkpoints restore one)
            Policy policy = RlTestModels.policy(RlTestModels.model(4), LatentMode.TARPO, biasAndRatio[0]);
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 8; i++) prompts.add(new int[]{1, 3 + i, 10 + i});
            List<Completion> cs = new MixedRollout(policy, RlTestModels.rollout(8, 40, "@@"), RlTestModels.text())
                    .generate(prompts, new Rng(5));
            int soft = cs.stream().mapToInt(Completion::softSteps).sum(), steps = cs.stream().mapToInt(Completion::length).sum();
            double p = biasAndRatio[1], ratio = (double) soft / steps;
            double sigma = Math.sqrt(p * (1 - p) / steps);
            assertEquals(p, ratio, 4 * sigma + 0.002, "b0=" + biasAndRatio[0] + ": " + soft + "/" + steps);
        }
    }

    @Test
    void afterTheMarkerEveryRouteIsHard() {
        Policy policy = RlTestModels.policy(RlTestModels.model(5), LatentMode.TARPO, -3.0); // mostly soft before it
        TextDecoder text = RlTestModels.text();
        List<Completion> cs = new MixedRollout(policy, RlTestModels.rollout(8, 30, "#"), text).generate(RlTestModels.prompts(), new Rng(9));
        int checked = 0;
        for (Completion c : cs) {
            int first = -1;
            for (int t = 0; t < c.length() && first < 0; t++) if (text.token(c.tokens()[t]).contains("#")) first = t;
            if (first < 0) continue;
            for (int t = first + 1; t < c.length(); t++) {
                assertEquals(0, c.routes()[t], "route after the marker at step " + t);
                checked++;
            }
        }
        assertTrue(checked > 20, "too few post-marker steps to mean anything: " + checked);
        assertTrue(cs.stream().mapToInt(Completion::softSteps).sum() > 0);
    }

    @Test
    void grpoModeIsPlainSamplingFromTheGenerator() {
        CausalLm lm = RlTestModels.model(6);
        Policy policy = RlTestModels.policy(lm, LatentMode.GRPO, 4.6);
        RolloutConfig rc = RlTestModels.rollout(1, 10, "@@");
        List<Completion> cs = new MixedRollout(policy, rc, RlTestModels.text()).generate(RlTestModels.prompts(), 21L);
        var gen = lm.generator().generate(RlTestModels.prompts(), new GenerationConfig(10, rc.sampling(), 21,
                rc.stopTokenIds(), rc.bannedTokenIds(), rc.padTokenId())).sequences();
        for (int i = 0; i < cs.size(); i++) {
            assertArrayEquals(gen.get(i).tokens(), cs.get(i).tokens(), "prompt " + i);
            assertEquals(0, cs.get(i).softSteps());
        }
        assertFalse(cs.isEmpty());
    }

    @Test
    void aCompletionIsTheSameWhateverTheRolloutBatchSize() {
        CausalLm lm = RlTestModels.model(6);
        for (LatentMode mode : List.of(LatentMode.TARPO, LatentMode.HRPO, LatentMode.GRPO)) {
            Policy policy = RlTestModels.policy(lm, mode, 0.0);
            RolloutConfig rc = RlTestModels.rollout(3, 8, "@@");
            List<Completion> all = new MixedRollout(policy, rc, RlTestModels.text()).generate(RlTestModels.prompts(), 5L);
            for (int rows : new int[]{1, 2, 4}) {
                List<Completion> split = new MixedRollout(policy, rc.withBatchRows(rows), RlTestModels.text())
                        .generate(RlTestModels.prompts(), 5L);
                assertEquals(all.size(), split.size());
                for (int i = 0; i < all.size(); i++) {
                    String what = mode + " batch " + rows + " row " + i;
                    assertArrayEquals(all.get(i).tokens(), split.get(i).tokens(), what);
                    assertArrayEquals(all.get(i).routes(), split.get(i).routes(), what);
                    for (int t = 0; t < all.get(i).length(); t++) {
                        assertEquals(all.get(i).tokenLogProbs()[t], split.get(i).tokenLogProbs()[t], 1e-4, what + " step " + t);
                    }
                }
            }
        }
    }
}

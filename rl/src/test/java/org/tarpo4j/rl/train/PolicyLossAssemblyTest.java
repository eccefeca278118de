package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.rl.RlTestModels;
import org.tarpo4j.rl.core.LossConfig;
import org.tarpo4j.rl.core.LossType;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.PolicyLoss;
import org.tarpo4j.rl.policy.TrainingBatch;
import org.tarpo4j.rl.rollout.MixedRollout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The assembled TARPO loss (the method's §6) on a tiny policy equals the formula computed by hand, term by term: the
 * clipped token and route surrogates with λ, both k3 KL terms with β, the token term on hard steps only
 * ({@code token_loss_on_soft_steps: false}), against a reference evaluated in the policy's own mixed context
 * ({@code reference_context: mixed}), aggregated per sequence (grpo).
 */
class PolicyLossAssemblyTest {
    private static final double T = 0.7, EPS_LOW = 0.2, EPS_HIGH = 0.28, BETA = 0.05, LAMBDA = 0.1;
    private static final Set<Integer> BANNED = Set.of(0, 1);

    @Test
    void theLossEqualsTheFormulaComputedByHand() {
        CausalLm model = RlTestModels.model(11);
        Policy policy = RlTestModels.policy(model, LatentMode.TARPO, 0.0); // about half the steps soft
        List<Completion> cs = new MixedRollout(policy, RlTestModels.rollout(3, 8, "@@"), RlTestModels.text())
                .generate(RlTestModels.prompts(), new Rng(5));
        List<int[]> prompts = new ArrayList<>();
        for (Completion c : cs) prompts.add(RlTestModels.prompts().get(c.promptIndex()));
        TrainingBatch batch = new TrainingBatch(prompts, cs, 0, policy.softInput().topK());
        INDArray mask = Nd4j.createFromArray(batch.completionMask);
        PolicyLoss.attachLogProbs(policy, T, BANNED);

        // the references, and what they must give: the initial policy on its own mixed inputs, and on all-hard ones
        ReferencePolicy mixedRef = new ReferencePolicy(policy, true, T, BANNED);
        ReferencePolicy hardRef = new ReferencePolicy(policy, false, T, BANNED);
        Map<String, INDArray> initialMixed = logProbs(policy, batch, mask, false), initialHard = logProbs(policy, batch, mask, true);
        // a trained policy: every weight moved
        java.util.Random rng = new java.util.Random(3);
        model.parameters().asMap().values().forEach(p -> {
            float[] d = new float[(int) p.length()];
            for (int j = 0; j < d.length; j++) d[j] = (float) (0.05 * rng.nextGaussian());
            p.addi(Nd4j.createFromArray(d).reshape(p.shape()).castTo(p.dataType()));
        });
        var whole = org.tarpo4j.rl.policy.ChunkedPass.of(batch, batch.width);
        var arrays = new org.tarpo4j.layers.core.NativeArrays();
        Map<String, INDArray> ref = mixedRef.logProbs(whole, batch.completionMask, arrays).get(0);
        Map<String, INDArray> refHard = hardRef.logProbs(whole, batch.completionMask, arrays).get(0);
        for (String k : List.of(PolicyLoss.TOKEN_LOGP, PolicyLoss.ROUTE_LOGP)) {
            assertEquals(initialMixed.get(k), ref.get(k), "reference_context mixed: the initial policy, same soft inputs");
            assertEquals(initialHard.get(k), refHard.get(k), "reference_context hard: the initial policy, all inputs hard");
        }

        PolicyLoss.attachLoss(policy, new LossConfig(EPS_LOW, EPS_HIGH, BETA, LAMBDA, LossType.GRPO, false, 8));
        Map<String, INDArray> now = logProbs(policy, batch, mask, false);
        double[][] lp = now.get(PolicyLoss.TOKEN_LOGP).toDoubleMatrix(), alp = now.get(PolicyLoss.ROUTE_LOGP).toDoubleMatrix();
        double[][] m = mask.toDoubleMatrix(), hard = Nd4j.createFromArray(batch.hardStepMask).toDoubleMatrix();
        int n = m.length, w = m[0].length;
        // old log-probs off the current ones by fixed amounts, so ratios fall inside, below and above the clip range
        double[] shifts = {0.5, -0.5, 0.1, -0.05, 0.3, -0.25, 0.0};
        double[][] old = new double[n][w], aold = new double[n][w];
        double[] adv = new double[n];
        for (int i = 0; i < n; i++) {
            adv[i] = new double[]{1.2, -0.7, 0.3, -1.5, 0.9}[i % 5];
            for (int t = 0; t < w; t++) {
                old[i][t] = m[i][t] * (lp[i][t] - shifts[(i + t) % shifts.length]);
                aold[i][t] = m[i][t] * (alp[i][t] - shifts[(2 * i + t + 3) % shifts.length]);
            }
        }
        double[][] ref1 = ref.get(PolicyLoss.TOKEN_LOGP).toDoubleMatrix(), aref = ref.get(PolicyLoss.ROUTE_LOGP).toDoubleMatrix();

        Map<String, INDArray> ph = batch.modelInputs(policy, false);
        ph.put(PolicyLoss.COMPLETION_MASK, mask);
        ph.put(PolicyLoss.TOKEN_LOSS_MASK, mask.mul(Nd4j.createFromArray(batch.hardStepMask)));
        ph.put(PolicyLoss.ADVANTAGES, Nd4j.createFromArray(adv).castTo(mask.dataType()).reshape(n, 1));
        ph.put(PolicyLoss.OLD_TOKEN_LOGP, Nd4j.createFromArray(old).castTo(mask.dataType()));
        ph.put(PolicyLoss.OLD_ROUTE_LOGP, Nd4j.createFromArray(aold).castTo(mask.dataType()));
        ph.put(PolicyLoss.REF_TOKEN_LOGP, ref.get(PolicyLoss.TOKEN_LOGP));
        ph.put(PolicyLoss.REF_ROUTE_LOGP, ref.get(PolicyLoss.ROUTE_LOGP));
        ph.put(PolicyLoss.ROUTE_TARGETS, Nd4j.createFromArray(batch.routeTargets));
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) for (int t = 0; t < w; t++) tokens[i] += (int) m[i][t];
        double[] rowWeight = org.tarpo4j.rl.core.LossAggregation.rowWeights(LossType.GRPO, tokens, 8);
        double[][] weights = new double[n][w];
        for (int i = 0; i < n; i++) for (int t = 0; t < w; t++) weights[i][t] = m[i][t] * rowWeight[i];
        ph.put(PolicyLoss.LOSS_WEIGHTS, Nd4j.createFromArray(weights).castTo(mask.dataType()));
        Map<String, INDArray> out = policy.graph().sd().output(ph, List.of(PolicyLoss.LOSS, PolicyLoss.KL_TOKEN, PolicyLoss.KL_ROUTE,
                PolicyLoss.CLIP_RATIO));

        double loss = expectedLoss(lp, old, ref1, alp, aold, aref, adv, m, hard);
        assertEquals(loss, out.get(PolicyLoss.LOSS).getDouble(0), 1e-5 * Math.max(1, Math.abs(loss)));
        // the metrics are masked sums (the trainer divides by the step's tokens)
        assertEquals(maskedSumK3(ref1, lp, m), out.get(PolicyLoss.KL_TOKEN).getDouble(0), 1e-5);
        assertEquals(maskedSumK3(aref, alp, m), out.get(PolicyLoss.KL_ROUTE).getDouble(0), 1e-5);
        // the example can tell the options apart: each alternative gives another value
        double[][] everyStep = m;
        assertTrue(Math.abs(loss - expectedLoss(lp, old, ref1, alp, aold, aref, adv, m, everyStep)) > 1e-3,
                "the token term on soft steps changes the loss");
        assertTrue(Math.abs(loss - expectedLoss(lp, old, refHard.get(PolicyLoss.TOKEN_LOGP).toDoubleMatrix(), alp, aold,
                refHard.get(PolicyLoss.ROUTE_LOGP).toDoubleMatrix(), adv, m, hard)) > 1e-4, "the hard reference changes it");
        assertTrue(out.get(PolicyLoss.CLIP_RATIO).getDouble(0) > 0, "some ratios are clipped");
        int soft = 0, steps = 0;
        for (int i = 0; i < n; i++) for (int t = 0; t < w; t++) { steps += (int) m[i][t]; soft += (int) (m[i][t] * (1 - hard[i][t])); }
        assertTrue(soft > 0.2 * steps && soft < 0.8 * steps, soft + " soft of " + steps);
    }

    /** loss = mean_i −Σ_t m_t (h_t·tok_t + act_t) / Σ_t m_t, the method's §6 written out in doubles. */
    private static double expectedLoss(double[][] lp, double[][] old, double[][] ref, double[][] alp, double[][] aold,
                                       double[][] aref, double[] adv, double[][] m, double[][] tokenMask) {
        double total = 0;
        for (int i = 0; i < lp.length; i++) {
            double sum = 0, count = 0;
            for (int t = 0; t < lp[i].length; t++) {
                if (m[i][t] == 0) continue;
                double tok = surrogate(lp[i][t], old[i][t], adv[i]) - BETA * k3(ref[i][t], lp[i][t]);
                double act = LAMBDA * surrogate(alp[i][t], aold[i][t], adv[i]) - BETA * k3(aref[i][t], alp[i][t]);
                sum += tokenMask[i][t] * tok + act;
                count++;
            }
            total += count == 0 ? 0 : -sum / count;
        }
        return total / lp.length;
    }

    private static double surrogate(double lp, double old, double a) {
        double ratio = Math.exp(lp - old);
        return Math.min(ratio * a, Math.max(1 - EPS_LOW, Math.min(1 + EPS_HIGH, ratio)) * a);
    }

    private static double k3(double ref, double lp) {
        return Math.exp(ref - lp) - (ref - lp) - 1;
    }

    private static double maskedSumK3(double[][] ref, double[][] lp, double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) for (int t = 0; t < m[i].length; t++) s += m[i][t] * k3(ref[i][t], lp[i][t]);
        return s;
    }

    private static Map<String, INDArray> logProbs(Policy policy, TrainingBatch batch, INDArray mask, boolean allHard) {
        Map<String, INDArray> ph = batch.modelInputs(policy, allHard);
        ph.put(PolicyLoss.COMPLETION_MASK, mask);
        ph.put(PolicyLoss.ROUTE_TARGETS, Nd4j.createFromArray(batch.routeTargets));
        return policy.graph().sd().output(ph, List.of(PolicyLoss.TOKEN_LOGP, PolicyLoss.ROUTE_LOGP));
    }
}

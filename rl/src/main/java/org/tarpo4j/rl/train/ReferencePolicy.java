package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.rl.policy.ChunkedPass;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.PolicyLoss;
import org.tarpo4j.rl.policy.TrainingBatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The frozen reference for the KL term: the initial backbone and the initial router. Under LoRA the backbone arrays
 * are shared with the policy (they never change; only adapters train, and the reference has none); in full
 * fine-tuning they are copied. Head parameters are always copied.
 */
final class ReferencePolicy {
    private final Policy policy;
    private final boolean mixedContext;

    ReferencePolicy(Policy trained, boolean mixedContext, double temperature, Set<Integer> banned) {
        Parameters source = trained.model().parameters();
        Parameters ref = new Parameters(source.dtype(), 0);
        boolean shareBackbone = trained.lora() != null;
        source.asMap().forEach((name, array) -> {
            if (LoraAdapters.isAdapterParameter(name)) return;
            boolean frozen = shareBackbone && !LatentHeads.isHeadParameter(name);
            ref.put(name, frozen ? array : array.dup());
        });
        CausalLm model = new CausalLm(trained.model().config(), ref, null, null);
        this.policy = new Policy(model, trained.mode(), trained.softInput(), trained.router(), null);
        this.mixedContext = mixedContext;
        PolicyLoss.attachLogProbs(policy, temperature, banned);
    }

    /** Frees its graph's working memory ({@link Policy#releaseWorkingMemory}). */
    void releaseWorkingMemory() { policy.releaseWorkingMemory(); }

    /**
     * Reference token log-probs (and route log-probs with a router) of every chunk of {@code pass}, each
     * {@code [B, chunk]}, masked like the policy's; registered in {@code arrays}.
     */
    List<Map<String, INDArray>> logProbs(ChunkedPass pass, float[][] completionMask, NativeArrays arrays) {
        List<String> outs = new ArrayList<>(List.of(PolicyLoss.TOKEN_LOGP));
        if (policy.mode().hasRouter()) outs.add(PolicyLoss.ROUTE_LOGP);
        List<Map<String, INDArray>> perChunk = new ArrayList<>();
        pass.forward(policy, !mixedContext, outs, i -> {
            int[] c = pass.chunks().get(i);
            Map<String, INDArray> ph = new HashMap<>();
            ph.put(PolicyLoss.COMPLETION_MASK, Nd4j.createFromArray(TrainingBatch.columns(completionMask, c[0], c[1])));
            if (policy.mode().hasRouter()) {
                ph.put(PolicyLoss.ROUTE_TARGETS, Nd4j.createFromArray(TrainingBatch.columns(pass.batch().routeTargets, c[0], c[1])));
            }
            return ph;
        }, (i, out) -> perChunk.add(out), arrays).close();
        return perChunk;
    }

    Parameters parameters() { return policy.model().parameters(); }
}

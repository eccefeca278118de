package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.GraphRun;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.PolicyLoss;
import org.tarpo4j.rl.policy.TrainingBatch;

import java.util.ArrayList;
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

    /** Reference token log-probs (and route log-probs with a router), {@code [B, S]}, masked like the policy's. */
    Map<String, INDArray> logProbs(TrainingBatch batch, INDArray completionMask) {
        Map<String, INDArray> ph = batch.modelInputs(policy, !mixedContext);
        ph.put(PolicyLoss.COMPLETION_MASK, completionMask);
        List<String> outs = new ArrayList<>(List.of(PolicyLoss.TOKEN_LOGP));
        if (policy.mode().hasRouter()) {
            ph.put(PolicyLoss.ROUTE_TARGETS, org.nd4j.linalg.factory.Nd4j.createFromArray(batch.routeTargets));
            outs.add(PolicyLoss.ROUTE_LOGP);
        }
        return GraphRun.outputs(policy.graph().sd(), ph, outs);
    }

    Parameters parameters() { return policy.model().parameters(); }
}

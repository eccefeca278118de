package org.tarpo4j.rl.policy;

import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.RecyclingMemory;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.GraphDecoder;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.ModelInputs;
import org.tarpo4j.models.decoder.fast.FastDecoder;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.latent.LatentMode;

import java.util.List;

/**
 * A causal LM with its latent mode (TARPO's router and soft inputs, HRPO's gate, or none) and optional LoRA adapters:
 * one graph that the rollout decodes with and the trainer differentiates, on the model's weight arrays.
 */
public final class Policy {
    private final CausalLm model;
    private final LatentMode mode;
    private final SoftInputConfig softInput;
    private final RouterConfig router;
    private final LoraConfig lora;
    private final DecoderGraph graph;
    private DecoderFactory decoderFactory = Policy::defaultDecoder;

    /** Makes a decoder for {@code batch} rows and at most {@code maxLength} positions. */
    @FunctionalInterface
    public interface DecoderFactory {
        /**
         * @param policy    the policy
         * @param batch     rows
         * @param maxLength positions at most
         * @return a decoder with an empty cache
         */
        IncrementalDecoder create(Policy policy, int batch, int maxLength);
    }

    /**
     * Builds the policy's graph on the model's weights, adding the router (TARPO) or gate (HRPO) and LoRA adapters;
     * a model saved with a trained router or gate keeps it.
     *
     * @param model     the model (its arrays are shared, not copied)
     * @param mode      the latent mode
     * @param softInput what a soft input is (TARPO, HRPO)
     * @param router    the router's initialisation, used when the model has none yet
     * @param lora      adapters to add, or null
     */
    public Policy(CausalLm model, LatentMode mode, SoftInputConfig softInput, RouterConfig router, LoraConfig lora) {
        this.model = model;
        this.mode = mode;
        this.softInput = softInput;
        this.router = router;
        this.lora = lora;
        DecoderOptions base = DecoderOptions.plain(model.maxContext()).withLora(lora);
        this.graph = model.buildGraph(LatentHeads.options(model.config(), base, mode, softInput, router));
    }

    /**
     * What the policy's model takes at each position besides its token, derived once from the mode and the soft-input
     * settings: the graph, the decoders, the rollout and the training batch all read their placeholders from it.
     *
     * @return the input contract (internal type)
     */
    public ModelInputs inputs() { return graph.options().inputs(); }

    /** @return the model */
    public CausalLm model() { return model; }

    /** @return the latent mode */
    public LatentMode mode() { return mode; }

    /** @return what a soft input is */
    public SoftInputConfig softInput() { return softInput; }

    /** @return the router's initialisation */
    public RouterConfig router() { return router; }

    /** @return the adapters, or null */
    public LoraConfig lora() { return lora; }

    /** @return the policy's graph (its type is internal API) */
    public DecoderGraph graph() { return graph; }

    /**
     * Frees the working memory its graph's passes keep for the next pass (forward and backward pools): for a policy
     * that is done training. It can still run; the next pass allocates afresh.
     *
     * @return the bytes freed
     */
    public long releaseWorkingMemory() { return RecyclingMemory.release(graph.sd()); }

    /**
     * A fresh incremental decoder over {@code batch} rows (empty cache) for sequences of at most {@code maxLength}
     * positions. It reads the weights as they are now: make a new one after an optimiser step.
     *
     * @param batch     rows
     * @param maxLength positions at most
     * @return the decoder (its type is internal API)
     */
    public IncrementalDecoder decoder(int batch, int maxLength) { return decoderFactory.create(this, batch, maxLength); }

    /**
     * Replaces how decoders are made.
     *
     * @param factory the new way
     */
    public void setDecoderFactory(DecoderFactory factory) { this.decoderFactory = factory; }

    /**
     * The graph itself, one session run per call: the reference every faster path is tested against.
     *
     * @param p         the policy
     * @param batch     rows
     * @param maxLength positions at most (unused: the graph takes any length up to the context)
     * @return the decoder
     */
    public static IncrementalDecoder graphDecoder(Policy p, int batch, int maxLength) {
        return new GraphDecoder(p.graph, batch, p.extraOutputs());
    }

    /**
     * The eager {@link FastDecoder} (proven equal to the graph) where it covers the inputs: plain, TARPO's top-k soft
     * inputs and HRPO's gate; the graph for latent-vector inputs (hidden-state soft inputs, COCONUT).
     */
    private static IncrementalDecoder defaultDecoder(Policy p, int batch, int maxLength) {
        return p.inputs().fastDecodable() ? new FastDecoder(p.graph, batch, maxLength, p.extraOutputs()) : graphDecoder(p, batch, maxLength);
    }

    private List<String> extraOutputs() { return mode.hasRouter() ? List.of(ActionHeadRouter.LOGITS) : List.of(); }
}

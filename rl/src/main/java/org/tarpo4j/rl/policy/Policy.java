package org.tarpo4j.rl.policy;

import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.GraphDecoder;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.InputLayer;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.latent.LatentMode;

import java.util.List;
import java.util.function.BiFunction;

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
    private BiFunction<Policy, Integer, IncrementalDecoder> decoderFactory = Policy::graphDecoder;

    public Policy(CausalLm model, LatentMode mode, SoftInputConfig softInput, RouterConfig router, LoraConfig lora) {
        this.model = model;
        this.mode = mode;
        this.softInput = softInput;
        this.router = router;
        this.lora = lora;
        DecoderOptions base = new DecoderOptions(lora, model.maxContext(), InputLayer.TOKENS, List.of());
        this.graph = model.buildGraph(LatentHeads.options(model.config(), base, mode, softInput, router));
    }

    public CausalLm model() { return model; }

    public LatentMode mode() { return mode; }

    public SoftInputConfig softInput() { return softInput; }

    public RouterConfig router() { return router; }

    public LoraConfig lora() { return lora; }

    public DecoderGraph graph() { return graph; }

    /** A fresh incremental decoder over {@code batch} rows (empty cache). */
    public IncrementalDecoder decoder(int batch) { return decoderFactory.apply(this, batch); }

    /** Replaces how decoders are made (e.g. a faster path proven equal to the graph). */
    public void setDecoderFactory(BiFunction<Policy, Integer, IncrementalDecoder> factory) { this.decoderFactory = factory; }

    private static IncrementalDecoder graphDecoder(Policy p, int batch) {
        return new GraphDecoder(p.graph, batch, p.mode.hasRouter() ? List.of(ActionHeadRouter.LOGITS) : List.of());
    }
}

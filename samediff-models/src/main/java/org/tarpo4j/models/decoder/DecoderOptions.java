package org.tarpo4j.models.decoder;

import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;

import java.util.List;

/**
 * What to build around the decoder layers.
 *
 * @param lora         LoRA adapters on the projections, or null for none
 * @param maxPositions length of the rotary tables, i.e. the longest sequence the graph can run
 * @param inputs       what each position takes besides its token (the input layer follows from it)
 * @param heads        extra heads on the final hidden state
 */
public record DecoderOptions(LoraConfig lora, int maxPositions, ModelInputs inputs, List<HiddenStateHead> heads) {
    public DecoderOptions {
        if (maxPositions <= 0) throw new IllegalArgumentException("maxPositions must be positive, got " + maxPositions);
        heads = List.copyOf(heads);
    }

    /**
     * Whether the parameter {@code name} trains in graphs built with these options: every one without LoRA; with LoRA
     * only the adapters and the latent heads (router, HRPO gate), the base weights entering as constants.
     */
    public boolean trains(String name) {
        return lora == null || LoraAdapters.isAdapterParameter(name) || LatentHeads.isHeadParameter(name);
    }

    public static DecoderOptions plain(int maxPositions) {
        return new DecoderOptions(null, maxPositions, ModelInputs.TOKENS, List.of());
    }

    public DecoderOptions withLora(LoraConfig l) { return new DecoderOptions(l, maxPositions, inputs, heads); }

    public DecoderOptions withInputs(ModelInputs in) { return new DecoderOptions(lora, maxPositions, in, heads); }

    public DecoderOptions withHeads(List<HiddenStateHead> h) { return new DecoderOptions(lora, maxPositions, inputs, h); }
}

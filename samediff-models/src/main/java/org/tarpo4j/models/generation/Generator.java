package org.tarpo4j.models.generation;

import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.ModelInputs;
import org.tarpo4j.models.memory.MemoryPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Batched generation with a KV cache: the plain-token case of {@link DecodeLoop}, the loop the RL rollout samples with
 * (one prefill of the left-padded prompts, then one decode step per token for all rows together; rows that stop keep
 * being fed padding until every row has stopped or the length is reached). Row r samples from its own stream
 * ({@link Rng#forRow}{@code (seed, r, 0)}), so a row's tokens do not depend on the others.
 *
 * <p>Limits, checked before anything runs: a prompt token outside the vocabulary, or a prompt that leaves no room in
 * the context, is rejected; completions are cut (finish reason {@code LENGTH}) where the longest prompt of the batch
 * plus its completion reaches the end of the context; a batch whose estimated memory exceeds ND4J's limit is refused.
 */
public final class Generator {
    private final IntFunction<IncrementalDecoder> decoders;
    private final ModelConfig model;
    private final ContextWindow context;
    private final long parameterCount;

    /**
     * @param decoders       a fresh decoder (empty cache) for a given batch size
     * @param model          the model's architecture
     * @param context        the positions the decoders' graphs cover
     * @param parameterCount the model's parameters, for the memory estimate
     */
    public Generator(IntFunction<IncrementalDecoder> decoders, ModelConfig model, ContextWindow context, long parameterCount) {
        this.decoders = decoders;
        this.model = model;
        this.context = context;
        this.parameterCount = parameterCount;
    }

    /**
     * Generates a continuation of every prompt, all in one batch.
     *
     * @param prompts token ids, of any lengths (left-padded together)
     * @param config  length, sampling, seed, stop and banned ids
     * @return one continuation per prompt, in order
     * @throws IllegalArgumentException for an id outside the vocabulary or a prompt that leaves no room in the context
     */
    public GenerationResult generate(List<int[]> prompts, GenerationConfig config) {
        int vocab = model.vocabSize();
        PromptBatch.requireValidIds(prompts, vocab, "generate");
        int newTokens = context.newTokensThatFit(prompts, config.maxNewTokens(), "generate");
        int width = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        MemoryPlan.generation(model, prompts.size(), width, newTokens, parameterCount).requireWithinLimit();
        new PromptBatch(prompts, config.padTokenId()); // refuses no prompts, or an empty one, before a decoder is made
        try (IncrementalDecoder decoder = decoders.apply(prompts.size())) {
            return generate(decoder, config, newTokens, prompts);
        }
    }

    /** Plain sampling through {@link DecodeLoop}: row r of the batch samples from {@link Rng#forRow}{@code (seed, r, 0)}. */
    private GenerationResult generate(IncrementalDecoder decoder, GenerationConfig config, int newTokens, List<int[]> prompts) {
        List<DecodeLoop.Row> rows = new ArrayList<>();
        for (int r = 0; r < prompts.size(); r++) rows.add(new DecodeLoop.Row(r, prompts.get(r), Rng.forRow(config.seed(), r, 0)));
        DecodeLoop.Settings settings = new DecodeLoop.Settings(config.sampling(), newTokens, config.stopTokenIds(),
                config.bannedTokenIds(), config.padTokenId(), false);
        new DecodeLoop(ModelInputs.TOKENS, DecodeLoop.Routing.NONE, settings, null, DecodeLoop.Marker.NONE, model.vocabSize())
                .run(decoder, rows);
        List<GenerationResult.Sequence> seqs = new ArrayList<>();
        for (DecodeLoop.Row row : rows) {
            seqs.add(new GenerationResult.Sequence(row.tokens(), row.stopped() ? GenerationResult.FinishReason.STOP
                    : GenerationResult.FinishReason.LENGTH));
        }
        return new GenerationResult(seqs);
    }
}

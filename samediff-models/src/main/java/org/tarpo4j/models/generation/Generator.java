package org.tarpo4j.models.generation;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.HostArrays;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.StepOutput;
import org.tarpo4j.models.memory.MemoryPlan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Batched generation with a KV cache: one prefill of the left-padded prompts, then one decode step per token for all
 * rows together. Rows that stop keep being fed padding until every row has stopped or the length is reached. Row r
 * samples from its own stream ({@link Rng#forRow}{@code (seed, r, 0)}), so a row's tokens do not depend on the others.
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
        PromptBatch batch = new PromptBatch(prompts, config.padTokenId());
        int b = batch.rows();
        try (IncrementalDecoder decoder = decoders.apply(b)) {
            return generate(decoder, batch, config, newTokens);
        }
    }

    private GenerationResult generate(IncrementalDecoder decoder, PromptBatch batch, GenerationConfig config, int newTokens) {
        int b = batch.rows(), vocab = model.vocabSize();
        LogitsProcessor processor = new LogitsProcessor(config.sampling(), vocab, config.bannedTokenIds());
        Rng[] rng = new Rng[b];
        for (int r = 0; r < b; r++) rng[r] = Rng.forRow(config.seed(), r, 0);

        List<List<Integer>> out = new ArrayList<>();
        for (int r = 0; r < b; r++) out.add(new ArrayList<>());
        boolean[] done = new boolean[b];
        int[] nextPosition = new int[b];
        for (int r = 0; r < b; r++) nextPosition[r] = batch.length(r);

        if (newTokens > 0) {
            StepOutput step = decoder.forward(batch.toStepInput());
            INDArray logits = lastPositions(step.logits(), b, batch.width());
            for (int t = 0; t < newTokens; t++) {
                int[] next = new int[b];
                float[][] rows = HostArrays.floatMatrix(logits);
                for (int r = 0; r < b; r++) {
                    if (done[r]) { next[r] = config.padTokenId(); continue; }
                    TokenDistribution p = processor.process(rows[r]);
                    next[r] = config.sampling().greedy() ? p.argmax() : p.sample(rng[r]);
                    out.get(r).add(next[r]);
                    if (config.stopTokenIds().contains(next[r])) done[r] = true;
                }
                if (allTrue(done) || t == newTokens - 1) break;
                int[][] ids = new int[b][1], pos = new int[b][1], valid = new int[b][1];
                for (int r = 0; r < b; r++) {
                    ids[r][0] = next[r];
                    pos[r][0] = nextPosition[r]++;
                    valid[r][0] = 1;
                }
                step = decoder.forward(new StepInput(Nd4j.createFromArray(ids), Nd4j.createFromArray(pos), Nd4j.createFromArray(valid)));
                logits = step.logits();
            }
        }
        List<GenerationResult.Sequence> seqs = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            int[] tokens = out.get(r).stream().mapToInt(Integer::intValue).toArray();
            seqs.add(new GenerationResult.Sequence(tokens, done[r] ? GenerationResult.FinishReason.STOP : GenerationResult.FinishReason.LENGTH));
        }
        return new GenerationResult(seqs);
    }

    /** Rows {@code r·width + width - 1} of {@code [B·width, V]} logits: each row's last prompt position. */
    static INDArray lastPositions(INDArray logits, int rows, int width) {
        long[] idx = new long[rows];
        for (int r = 0; r < rows; r++) idx[r] = (long) r * width + width - 1;
        return logits.getRows(Arrays.stream(idx).mapToInt(i -> (int) i).toArray());
    }

    private static boolean allTrue(boolean[] a) {
        for (boolean x : a) if (!x) return false;
        return true;
    }
}

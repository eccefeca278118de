package org.tarpo4j.models.generation;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.GraphDecoder;
import org.tarpo4j.models.decoder.TinyModels;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTest {
    private final DecoderGraph model = TinyModels.random(TinyModels.qwen2Config(), 5);
    private final Generator generator = new Generator(b -> new GraphDecoder(model, b, List.of()), model.config(),
            new ContextWindow(model.config().maxPositionEmbeddings()), 0);

    private GenerationConfig config(SamplingConfig s, long seed, int n) {
        return new GenerationConfig(n, s, seed, Set.of(), Set.of(0), 0);
    }

    @Test
    void greedyTokensAreTheArgmaxOfTheTeacherForcedForward() {
        int[] prompt = {1, 5, 9, 14};
        int[] out = generator.generate(List.of(prompt), config(SamplingConfig.greedyDecoding(), 0, 8)).sequences().get(0).tokens();
        assertEquals(8, out.length);
        int[] seq = new int[prompt.length + out.length];
        System.arraycopy(prompt, 0, seq, 0, prompt.length);
        System.arraycopy(out, 0, seq, prompt.length, out.length);
        INDArray logits = new GraphDecoder(model, 1, List.of())
                .forward(org.tarpo4j.models.decoder.StepInput.singleRow(seq, 0)).logits();
        for (int t = 0; t < out.length; t++) {
            float[] row = logits.getRow(prompt.length - 1 + t).toFloatVector();
            row[0] = Float.NEGATIVE_INFINITY; // pad is banned from sampling
            int best = 0;
            for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
            assertEquals(best, out[t], "step " + t);
        }
    }

    @Test
    void batchedGenerationOfPaddedPromptsMatchesOneByOne() {
        List<int[]> prompts = List.of(new int[]{1, 5, 9, 14, 3}, new int[]{1, 8}, new int[]{1, 20, 21});
        GenerationConfig g = config(SamplingConfig.greedyDecoding(), 0, 6);
        var batched = generator.generate(prompts, g).sequences();
        for (int i = 0; i < prompts.size(); i++) {
            int[] alone = generator.generate(List.of(prompts.get(i)), g).sequences().get(0).tokens();
            assertArrayEquals(alone, batched.get(i).tokens(), "prompt " + i);
        }
    }

    @Test
    void sameSeedSameSamplesDifferentSeedDifferentSamples() {
        List<int[]> prompts = List.of(new int[]{1, 5}, new int[]{1, 6});
        SamplingConfig s = SamplingConfig.sample(1.0, 0, 1.0);
        var a = generator.generate(prompts, config(s, 11, 12)).sequences();
        var b = generator.generate(prompts, config(s, 11, 12)).sequences();
        var c = generator.generate(prompts, config(s, 12, 12)).sequences();
        for (int i = 0; i < 2; i++) assertArrayEquals(a.get(i).tokens(), b.get(i).tokens());
        assertFalse(Arrays.equals(a.get(0).tokens(), c.get(0).tokens()) && Arrays.equals(a.get(1).tokens(), c.get(1).tokens()));
    }

    @Test
    void aStopTokenEndsItsRowAndIsKept() {
        int[] prompt = {1, 5, 9};
        int[] free = generator.generate(List.of(prompt), config(SamplingConfig.greedyDecoding(), 0, 6)).sequences().get(0).tokens();
        int stop = free[2];
        var seq = generator.generate(List.of(prompt), new GenerationConfig(6, SamplingConfig.greedyDecoding(), 0,
                Set.of(stop), Set.of(0), 0)).sequences().get(0);
        int firstStop = 0;
        while (free[firstStop] != stop) firstStop++;
        assertArrayEquals(Arrays.copyOf(free, firstStop + 1), seq.tokens());
        assertEquals(GenerationResult.FinishReason.STOP, seq.finishReason());
        assertTrue(seq.tokens().length <= 3);
    }

    private static int[] prompt(int length) {
        int[] p = new int[length];
        for (int i = 0; i < length; i++) p[i] = 1 + i % 30;
        return p;
    }

    @Test
    void aCompletionIsCutWhereTheContextEnds() {
        // 60 + 10 positions in a context of 64: used to fail in the rotary gather at position 64
        GenerationResult.Sequence out = generator.generate(List.of(prompt(60), prompt(3)),
                config(SamplingConfig.greedyDecoding(), 0, 10)).sequences().get(0);
        assertEquals(4, out.tokens().length);
        assertEquals(GenerationResult.FinishReason.LENGTH, out.finishReason());
    }

    @Test
    void aPromptThatFillsTheContextOrAnIdOutsideTheVocabularyIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(List.of(prompt(3), prompt(64)), config(SamplingConfig.greedyDecoding(), 0, 1)));
        assertTrue(e.getMessage().contains("prompt 1") && e.getMessage().contains("context is 64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> generator.generate(List.of(new int[]{1, 37}), config(SamplingConfig.greedyDecoding(), 0, 1)));
        assertTrue(e.getMessage().contains("37") && e.getMessage().contains("vocabulary"), e.getMessage());
    }

    @Test
    void aBatchBeyondTheMemoryLimitIsRefusedBeforeAllocating() {
        // 300k rows: the prefill alone needs ~30 GiB, beyond the tests' 10 GiB maxphysicalbytes
        List<int[]> many = java.util.Collections.nCopies(300_000, prompt(60));
        org.tarpo4j.models.memory.MemoryLimitExceededException e = assertThrows(
                org.tarpo4j.models.memory.MemoryLimitExceededException.class,
                () -> generator.generate(many, config(SamplingConfig.greedyDecoding(), 0, 4)));
        assertTrue(e.getMessage().contains("GiB") && e.getMessage().contains("maxphysicalbytes"), e.getMessage());
        assertTrue(e.estimateBytes() > e.limitBytes());
    }
}

package org.tarpo4j.examples.embedded;

import org.tarpo4j.examples.arith.ArithmeticTask;
import org.tarpo4j.examples.arith.ArithmeticTokenizer;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.sft.SftExample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The synthetic arithmetic task with its character-level tokenizer (a real {@code tokenizer.json}), its held-out
 * problems and a training stream that never repeats them, and the model shape that learns it.
 */
public final class EmbeddedTask implements AutoCloseable {
    /** Never sampled: padding, begin-of-sequence and the thought markers (placed by the COCONUT sampler only). */
    public static final List<Integer> BANNED = List.of(ArithmeticTokenizer.PAD_ID, ArithmeticTokenizer.BOS_ID,
            ArithmeticTokenizer.BOT_ID, ArithmeticTokenizer.EOT_ID);

    private final EmbeddedPreset preset;
    private final ArithmeticTask task;
    private final HfTokenizer tokenizer;
    private final List<Problem> heldOut;
    private final Set<String> heldOutPrompts;

    public EmbeddedTask(EmbeddedPreset preset, Path tokenizerDir) throws IOException {
        this.preset = preset;
        this.task = new ArithmeticTask(preset.task());
        if (!Files.isRegularFile(tokenizerDir.resolve(HfTokenizer.TOKENIZER_JSON))) ArithmeticTokenizer.write(tokenizerDir);
        this.tokenizer = HfTokenizer.load(tokenizerDir);
        this.heldOut = task.heldOut(preset.heldOut());
        this.heldOutPrompts = ArithmeticTask.prompts(heldOut);
    }

    public EmbeddedPreset preset() { return preset; }

    public HfTokenizer tokenizer() { return tokenizer; }

    public List<Problem> heldOut() { return heldOut; }

    /** The first n held-out problems (evaluations use a fixed prefix). */
    public List<Problem> heldOut(int n) { return heldOut.subList(0, Math.min(n, heldOut.size())); }

    /** Training problems that are never held out, deterministic given the seed. */
    public Iterator<Problem> trainingStream(long seed) { return task.trainingStream(heldOutPrompts, seed); }

    public List<Problem> trainingProblems(int n, long seed) {
        List<Problem> out = new ArrayList<>(n);
        Iterator<Problem> it = trainingStream(seed);
        while (out.size() < n) out.add(it.next());
        return out;
    }

    public PromptEncoder prompts() { return p -> ArithmeticTokenizer.promptIds(tokenizer, p); }

    public SftExample example(Problem p) {
        return new SftExample(ArithmeticTokenizer.promptIds(tokenizer, p), ArithmeticTokenizer.completionIds(tokenizer, p));
    }

    public TextDecoder text() { return TextDecoder.of(tokenizer, ArithmeticTokenizer.VOCAB_SIZE); }

    public ModelConfig modelConfig() {
        int headDim = preset.hidden() / preset.heads();
        return new ModelConfig("qwen2", preset.hidden(), preset.layers(), preset.heads(), preset.kvHeads(), headDim,
                preset.intermediate(), ArithmeticTokenizer.VOCAB_SIZE, 1e-6, 10000.0, RopeScaling.NONE, contextLength(preset), true, true,
                false, false, ArithmeticTokenizer.BOS_ID, List.of(ArithmeticTokenizer.EOS_ID), ArithmeticTokenizer.PAD_ID,
                "float32");
    }

    /**
     * The model's context: 128 positions, or the longest prompt (with its BOS) and the completion budget when a task
     * with more operations needs more (rotary positions: nothing is learned per position).
     */
    static int contextLength(EmbeddedPreset preset) {
        return Math.max(128, 1 + ArithmeticTask.longestPrompt(preset.task()).length() + preset.maxCompletionLength());
    }

    /** A fresh model of the task's shape, with the tokenizer attached so checkpoints carry it. */
    public CausalLm newModel(long seed) {
        return CausalLm.initialise(modelConfig(), seed, tokenizer);
    }

    @Override
    public void close() { tokenizer.close(); }
}

package org.tarpo4j.examples.api;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.GenerationConfig;
import org.tarpo4j.models.generation.GenerationResult;
import org.tarpo4j.models.generation.Generator;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.tokenizer.HfTokenizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Example: load a Qwen2.5 or Llama checkpoint like a zoo model and generate from it, greedily and by sampling, with
 * the KV cache (one prefill of the batch, then one cached step per token).
 *
 * <pre>
 * java -cp "examples/target/tarpo.jar:examples/target/lib/*" org.tarpo4j.examples.api.LoadAndGenerate \
 *     ../shared/models/tiny-random-llama-ortgenai/hf "Natalia sold 48 clips in April."
 * </pre>
 */
public final class LoadAndGenerate {
    private LoadAndGenerate() {}

    /** What one prompt gave: its ids, the greedy continuation and a sampled one. */
    public record Continuations(int[] promptIds, int[] greedy, String greedyText, int[] sampled, String sampledText) {}

    /**
     * Prints, for each prompt, its greedy and its sampled continuation (ids and text).
     *
     * @param args a Hugging Face model directory, then one or more prompts
     * @throws IOException when the model cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) throw new IllegalArgumentException("usage: LoadAndGenerate MODEL_DIR PROMPT...");
        List<String> prompts = Arrays.asList(args).subList(1, args.length);
        for (Continuations c : generate(args[0], prompts, 12, 7)) {
            System.out.println("greedy  " + Arrays.toString(c.greedy()) + " " + c.greedyText());
            System.out.println("sampled " + Arrays.toString(c.sampled()) + " " + c.sampledText());
        }
    }

    /**
     * Generates up to {@code maxNewTokens} tokens for every prompt, all prompts in one batch (left-padded).
     *
     * @param model a Hugging Face model directory (config.json, safetensors, tokenizer.json)
     * @param seed  the sampling seed: the same seed gives the same sampled continuations
     */
    public static List<Continuations> generate(String model, List<String> prompts, int maxNewTokens, long seed) throws IOException {
        // a directory or a hub id (Qwen/Qwen2.5-0.5B-Instruct, from the Hugging Face cache or downloaded into it);
        // Qwen25.fromPretrained and Llama31.fromPretrained load the same way and also check the family
        try (CausalLm lm = CausalLm.fromPretrained(model)) {
            HfTokenizer tokenizer = lm.requireTokenizer();
            List<int[]> ids = new ArrayList<>();
            for (String p : prompts) ids.add(tokenizer.encode(p, true));

            Generator generator = lm.generator();
            Set<Integer> stop = lm.stopTokenIds();        // the config's and the tokenizer's end-of-sequence ids
            int pad = lm.config().fillTokenId();           // fed to rows that stopped while others go on
            GenerationConfig greedy = new GenerationConfig(maxNewTokens, SamplingConfig.greedyDecoding(), 0, stop, Set.of(), pad);
            GenerationConfig sampled = new GenerationConfig(maxNewTokens, SamplingConfig.sample(0.8, 50, 0.95), seed, stop,
                    Set.of(), pad);
            GenerationResult g = generator.generate(ids, greedy);
            GenerationResult s = generator.generate(ids, sampled);

            List<Continuations> out = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                int[] gi = g.sequences().get(i).tokens(), si = s.sequences().get(i).tokens();
                out.add(new Continuations(ids.get(i), gi, tokenizer.decode(gi, true), si, tokenizer.decode(si, true)));
            }
            return out;
        }
    }
}

package org.tarpo4j.cli;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.GenerationConfig;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.rollout.Completion;
import org.tarpo4j.rl.rollout.MixedRollout;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generates a continuation with the KV-cached decoder. Samples (temperature, top-k, top-p) "
                + "unless --greedy; stops at the model's end-of-sequence ids.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a Hugging Face model directory or hub id (namespace/name[@revision], from the HF cache or downloaded)")
    String model;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", description = "prompt text (needs the model's tokenizer)")
        String prompt;
        @Option(names = "--ids", split = ",", description = "prompt token ids, e.g. 1,2,3")
        int[] ids;
    }

    @Option(names = "--max-new-tokens", required = true, description = "tokens to generate at most")
    int maxNewTokens;

    @Option(names = "--greedy", description = "argmax decoding")
    boolean greedy;

    @Option(names = "--temperature", defaultValue = "1.0", description = "sampling temperature (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-k", defaultValue = "50", description = "keep the k most likely tokens, 0 = all (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "nucleus sampling threshold (default: ${DEFAULT-VALUE})")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print {\"ids\":[...],\"text\":...} (and \"routes\" with --mode) as the last line")
    boolean json;

    @Option(names = "--mode", description = "tarpo, grpo or hrpo: generate with that policy's inputs (TARPO samples a route "
            + "per token, soft inputs on soft routes) and report each new token's route, 1 = soft")
    String mode;

    @Option(names = "--action-bias", defaultValue = "4.6", description = "with --mode tarpo: router b0 when the model has no "
            + "router yet (default: ${DEFAULT-VALUE})")
    double actionBias;

    @Option(names = "--answer-marker", defaultValue = "####", description = "with --mode: routes are hard once the text "
            + "contains it (default: ${DEFAULT-VALUE})")
    String answerMarker;

    @Override
    public Integer call() throws Exception {
        try (CausalLm lm = CausalLm.fromPretrained(model)) {
            HfTokenizer tok = lm.tokenizer().orElse(null);
            int[] prompt = input.ids != null ? input.ids : lm.requireTokenizer().encode(input.prompt, true);
            Set<Integer> stop = lm.stopTokenIds();
            SamplingConfig sampling = greedy ? SamplingConfig.greedyDecoding() : SamplingConfig.sample(temperature, topK, topP);
            int pad = lm.config().fillTokenId();
            int[] tokens;
            int[] routes = null;
            if (mode == null) {
                tokens = lm.generator().generate(List.of(prompt), new GenerationConfig(maxNewTokens, sampling, seed, stop, Set.of(), pad))
                        .sequences().get(0).tokens();
            } else {
                LatentMode m = LatentMode.parse(mode);
                if (m == LatentMode.COCONUT) throw new IllegalArgumentException("--mode coconut is not a generation mode (see sft --coconut)");
                Policy policy = new Policy(lm, m, SoftInputConfig.defaults(), RouterConfig.withHardBias(actionBias), null);
                RolloutConfig rc = new RolloutConfig(1, sampling, maxNewTokens, false, answerMarker, stop, Set.of(), pad);
                Completion c = new MixedRollout(policy, rc, tok == null ? null : TextDecoder.of(tok, lm.config().vocabSize()))
                        .generate(List.of(prompt), new Rng(seed)).get(0);
                tokens = c.tokens();
                routes = c.routes();
            }
            String text = tok == null ? null : tok.decode(tokens, true);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("ids", tokens);
                o.put("text", text);
                if (routes != null) o.put("routes", routes);
                System.out.println(CliSupport.json(o));
            } else {
                System.out.println(text != null ? text : CliSupport.json(tokens));
            }
        }
        return 0;
    }
}

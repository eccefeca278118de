package org.tarpo4j.cli;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.GenerationConfig;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.rollout.MixedRollout;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.TarpoConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generates a continuation with the KV-cached decoder. Samples (temperature, top-k, top-p) "
                + "unless --greedy; stops at the model's end-of-sequence ids.",
                "On a run's checkpoint (or a run directory: its newest checkpoint) it decodes as the run trained, from the "
                        + "checkpoint's trainer_config.json; on a plain Hugging Face model, plainly with the trainer's defaults. "
                        + "With a TARPO/HRPO policy (the checkpoint's mode, or --mode) --json adds each new token's route, 1 = soft."})
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a Hugging Face model directory or hub id "
            + "(namespace/name[@revision], from the HF cache or downloaded), a checkpoint or a run directory")
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

    @Mixin
    DecodingOptions decoding;

    @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print one JSON line {\"ids\":[...],\"text\":...} (and \"routes\" for a TARPO/HRPO policy)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path dir = DecodingOptions.modelDirectory(model);
        DecodingOptions.Resolved settings = decoding.resolve(dir);
        TarpoConfig c = settings.config();
        try (CausalLm lm = CausalLm.fromPretrained(dir)) {
            HfTokenizer tok = lm.tokenizer().orElse(null);
            int[] prompt = input.ids != null ? input.ids : lm.requireTokenizer().encode(input.prompt, true);
            Set<Integer> stop = lm.stopTokenIds();
            SamplingConfig sampling = greedy ? SamplingConfig.greedyDecoding() : c.sampling();
            Set<Integer> banned = settings.source().isPresent() && c.bannedTokenIds != null ? new HashSet<>(c.bannedTokenIds) : new HashSet<>();
            banned.removeAll(stop);
            int pad = lm.config().fillTokenId();
            int[] tokens;
            int[] routes = null;
            LatentMode m = c.mode;
            if (decoding.mode == null && m == LatentMode.GRPO) {
                tokens = lm.generator().generate(List.of(prompt), new GenerationConfig(maxNewTokens, sampling, seed, stop, banned, pad))
                        .sequences().get(0).tokens();
            } else {
                if (m == LatentMode.COCONUT) throw new IllegalArgumentException("--mode coconut is not a generation mode (see sft --coconut)");
                Policy policy = new Policy(lm, m, c.softInput(), c.router(), null);
                RolloutConfig rc = new RolloutConfig(1, sampling, maxNewTokens, false, c.answerMarker, stop, banned, pad);
                Completion completion = new MixedRollout(policy, rc, tok == null ? null : TextDecoder.of(tok, lm.config().vocabSize()))
                        .generate(List.of(prompt), new Rng(seed)).get(0);
                tokens = completion.tokens();
                routes = completion.routes();
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

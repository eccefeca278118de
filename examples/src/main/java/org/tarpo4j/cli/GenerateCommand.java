package org.tarpo4j.cli;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.GenerationConfig;
import org.tarpo4j.models.generation.GenerationResult;
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
    @Option(names = "--model", required = true, description = "Hugging Face model directory")
    Path model;

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

    @Option(names = "--json", description = "print {\"ids\":[...],\"text\":...} as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (CausalLm lm = CausalLm.fromPretrained(model)) {
            HfTokenizer tok = lm.tokenizer().orElse(null);
            int[] prompt = input.ids != null ? input.ids : lm.requireTokenizer().encode(input.prompt, true);
            Set<Integer> stop = lm.stopTokenIds();
            SamplingConfig sampling = greedy ? SamplingConfig.greedyDecoding() : SamplingConfig.sample(temperature, topK, topP);
            int pad = lm.config().fillTokenId();
            GenerationResult.Sequence out = lm.generator()
                    .generate(List.of(prompt), new GenerationConfig(maxNewTokens, sampling, seed, stop, Set.of(), pad))
                    .sequences().get(0);
            String text = tok == null ? null : tok.decode(out.tokens(), true);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("ids", out.tokens());
                o.put("text", text);
                System.out.println(CliSupport.json(o));
            } else {
                System.out.println(text != null ? text : CliSupport.json(out.tokens()));
            }
        }
        return 0;
    }
}

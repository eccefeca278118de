package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.models.tokenizer.ChatTemplates;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Datasets;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptBuilder;
import org.tarpo4j.rl.eval.EvalResult;
import org.tarpo4j.rl.eval.Evaluator;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.reward.RewardRegistry;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.PromptEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Samples k completions per problem (stochastic routing) and reports avg@k with a 95%% interval, "
                + "unbiased pass@k, maj@k, generated and effective tokens and the soft ratio, as JSON and a table.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory or hub id (namespace/name[@revision]); a checkpoint with latent_heads.safetensors restores its router")
    String model;

    @Option(names = "--adapter", description = "a LoRA checkpoint (adapter_model.safetensors) to apply")
    Path adapter;

    @Option(names = "--data", required = true, description = "benchmark JSONL")
    Path data;

    @Option(names = "--format", defaultValue = "gsm8k", description = "gsm8k, math or jsonl (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--reward", description = "reward name (default: gsm8k for gsm8k/jsonl data, math for math)")
    String reward;

    @Option(names = "--k", defaultValue = "32", description = "samples per problem (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--mode", defaultValue = "tarpo", description = "tarpo, grpo or hrpo (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--action-bias", defaultValue = "4.6", description = "router b0 when the model has no router yet (default: ${DEFAULT-VALUE})")
    double actionBias;

    @Option(names = "--temperature", defaultValue = "0.5", description = "(default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--top-k", defaultValue = "50", description = "(default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--max-new-tokens", defaultValue = "1024", description = "(default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--prompt-format", defaultValue = "chat", description = "chat (the model's chat template and a system prompt) or raw (default: ${DEFAULT-VALUE})")
    String promptFormat;

    @Option(names = "--marker", defaultValue = "####", description = "answer marker (default: ${DEFAULT-VALUE})")
    String marker;

    @Option(names = "--limit", description = "evaluate the first N problems only")
    Integer limit;

    @Option(names = "--batch-prompts", defaultValue = "8", description = "prompts sampled together (default: ${DEFAULT-VALUE})")
    int batchPrompts;

    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", description = "write the result JSON here")
    Path out;

    @Override
    public Integer call() throws Exception {
        CausalLm lm = CausalLm.fromPretrained(model);
        HfTokenizer tok = lm.requireTokenizer();
        List<Problem> problems = Datasets.load(format, data).problems();
        if (limit != null) problems = problems.subList(0, Math.min(limit, problems.size()));
        var lora = adapter == null ? null : LoraAdapters.readConfig(adapter);
        Policy policy = new Policy(lm, LatentMode.parse(mode), SoftInputConfig.defaults(), RouterConfig.withHardBias(actionBias), lora);
        if (adapter != null) LoraAdapters.load(adapter, lm.parameters());
        PromptEncoder prompts;
        if (promptFormat.equals("chat")) {
            PromptBuilder pb = new PromptBuilder(ChatTemplates.forModelType(lm.config().modelType()));
            prompts = p -> pb.encode(tok, p);
        } else if (promptFormat.equals("raw")) {
            prompts = p -> tok.encode(p.prompt(), true);
        } else {
            throw new IllegalArgumentException("--prompt-format must be chat or raw");
        }
        Set<Integer> stop = lm.stopTokenIds();
        Set<Integer> banned = new HashSet<>();
        tok.padTokenId().ifPresent(banned::add);
        tok.bosTokenId().ifPresent(banned::add);
        banned.removeAll(stop);
        int pad = lm.config().fillTokenId();
        RolloutConfig rc = new RolloutConfig(k, SamplingConfig.sample(temperature, topK, 1.0), maxNewTokens, false, marker, stop, banned, pad);
        String rewardName = reward != null ? reward : format.equals("math") ? "math" : "gsm8k";
        EvalResult r = new Evaluator(policy, rc, TextDecoder.of(tok, lm.config().vocabSize()), batchPrompts)
                .evaluate(data.getFileName().toString(), problems, prompts, RewardRegistry.byName(rewardName, marker), seed, null);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r);
        if (out != null) Files.writeString(out, json);
        System.out.print(r.table());
        System.out.println(new ObjectMapper().writeValueAsString(r));
        return 0;
    }
}

package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.models.tokenizer.ChatTemplates;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Datasets;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptBuilder;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.eval.EvalResult;
import org.tarpo4j.rl.eval.Evaluator;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.reward.AnswerRule;
import org.tarpo4j.rl.reward.RewardRegistry;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.TarpoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Samples k completions per problem (stochastic routing) and reports avg@k with a 95%% interval, "
                + "unbiased pass@k, maj@k, generated and effective tokens and the soft ratio: a table, then one JSON line.",
                "On a run's checkpoint (or a run directory: its newest checkpoint) it decodes as the run trained, from the "
                        + "checkpoint's trainer_config.json (mode, soft inputs, router, answer marker, sampling); on a plain "
                        + "Hugging Face model, plainly (grpo) with the trainer's defaults. Options given override either.",
                "The answer is read after the last answer marker, as the released TARPO evaluation does (--answer-rule "
                        + "single: the training reward's rule, exactly one marker)."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory or hub id (namespace/name[@revision]); "
            + "a checkpoint with latent_heads.safetensors restores its router; a run directory means its newest checkpoint")
    String model;

    @Option(names = "--adapter", description = "a LoRA checkpoint (adapter_model.safetensors) to apply")
    Path adapter;

    @Option(names = "--data", required = true, description = "benchmark JSONL")
    Path data;

    @Option(names = "--format", defaultValue = "gsm8k", description = "gsm8k, math or jsonl (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--reward", description = "reward name (default: gsm8k for gsm8k/jsonl data, math for math)")
    String reward;

    @Option(names = "--answer-rule", defaultValue = "last", description = "last: the text after the last answer marker "
            + "(the released evaluation); single: the marker must occur exactly once (the training reward) (default: ${DEFAULT-VALUE})")
    String answerRule;

    @Option(names = "--k", defaultValue = "32", description = "samples per problem (default: ${DEFAULT-VALUE})")
    int k;

    @Mixin
    DecodingOptions decoding;

    @Option(names = "--max-new-tokens", description = "tokens per completion at most (default: the trainer config's "
            + "max_completion_length)")
    Integer maxNewTokens;

    @Option(names = "--prompt-format", defaultValue = "chat", description = "chat (the model's chat template and a system prompt) or raw (default: ${DEFAULT-VALUE})")
    String promptFormat;

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
        AnswerRule rule = AnswerRule.parse(answerRule);
        Path dir = DecodingOptions.modelDirectory(model);
        DecodingOptions.Resolved settings = decoding.resolve(adapter, dir);
        TarpoConfig c = settings.config();
        System.err.println("eval: decoding settings from " + settings.describe() + ": mode " + c.mode.id() + ", temperature "
                + c.temperature + ", top_k " + c.topK + ", answer marker " + c.answerMarker + ", answer rule " + rule.key());
        CausalLm lm = CausalLm.fromPretrained(dir);
        HfTokenizer tok = lm.requireTokenizer();
        List<Problem> problems = Datasets.load(format, data).problems();
        if (limit != null) problems = problems.subList(0, Math.min(limit, problems.size()));
        var lora = adapter == null ? null : LoraAdapters.readConfig(adapter);
        Policy policy = new Policy(lm, c.mode, c.softInput(), c.router(), lora);
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
        if (c.bannedTokenIds != null) {
            banned.addAll(c.bannedTokenIds);
        } else {
            tok.padTokenId().ifPresent(banned::add);
            tok.bosTokenId().ifPresent(banned::add);
        }
        banned.removeAll(stop);
        int length = maxNewTokens != null ? maxNewTokens : c.maxCompletionLength;
        RolloutConfig rc = new RolloutConfig(k, c.sampling(), length, false, c.answerMarker, stop, banned, lm.config().fillTokenId());
        String rewardName = reward != null ? reward : format.equals("math") ? "math" : "gsm8k";
        EvalResult r = new Evaluator(policy, rc, TextDecoder.of(tok, lm.config().vocabSize()), batchPrompts)
                .evaluate(data.getFileName().toString(), problems, prompts, RewardRegistry.byName(rewardName, c.answerMarker, rule), seed, null);
        Map<String, Object> json = new LinkedHashMap<>(CliSupport.JSON.convertValue(r, Map.class));
        Map<String, Object> used = new LinkedHashMap<>();
        used.put("source", settings.describe());
        used.put("mode", c.mode.id());
        used.put("temperature", c.temperature);
        used.put("top_k", c.topK);
        used.put("top_p", c.topP);
        used.put("max_new_tokens", length);
        used.put("answer_marker", c.answerMarker);
        used.put("answer_rule", rule.key());
        used.put("reward", rewardName);
        used.put("prompt_format", promptFormat);
        used.put("seed", seed);
        json.put("settings", used);
        if (out != null) Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        System.out.print(r.table());
        System.out.println(CliSupport.json(json));
        return 0;
    }
}

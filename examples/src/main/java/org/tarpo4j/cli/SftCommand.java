package org.tarpo4j.cli;

import org.tarpo4j.examples.embedded.CoconutRun;
import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.embedded.EmbeddedPreset;
import org.tarpo4j.examples.embedded.EmbeddedTask;
import org.tarpo4j.examples.embedded.WarmStart;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.tokenizer.ChatTemplates;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.coconut.CoconutTrainer;
import org.tarpo4j.rl.coconut.Curriculum;
import org.tarpo4j.rl.coconut.CurriculumRun;
import org.tarpo4j.rl.coconut.Gsm8kSteps;
import org.tarpo4j.rl.data.Gsm8k;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "sft", mixinStandardHelpOptions = true,
        description = {"Supervised warm start on the embedded arithmetic task: trains a fresh model on chain-of-thought "
                + "examples until its sampled held-out accuracy reaches the preset's target (or the step cap), and saves it "
                + "as a Hugging Face model directory (the one `train` reuses).",
                "--coconut: COCONUT's curriculum instead (stage k replaces the first k reasoning steps by 2k continuous "
                        + "thoughts, 3 stages, optimiser reset between stages, loss on the remaining language tokens): on the "
                        + "embedded task from its warm start, or with --model and --data on a Hugging Face model and "
                        + "GSM8K-format data (--bot-token/--eot-token name two tokens of its vocabulary as the markers)."})
final class SftCommand implements Callable<Integer> {
    @Mixin
    EmbeddedOptions embedded;


    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    long seed;


    @Option(names = "--out", description = "output model directory")
    Path out;

    @Option(names = "--coconut", description = "COCONUT's continuous-thought curriculum")
    boolean coconut;

    @Option(names = "--model", description = "--coconut on a Hugging Face model (with --data): a directory or hub id")
    String model;

    @Option(names = "--data", description = "GSM8K-format JSONL (question, answer with one step a line and '#### N')")
    Path data;

    @Option(names = "--bot-token", description = "begin-of-thought token of the model's vocabulary")
    String botToken;

    @Option(names = "--eot-token", description = "end-of-thought token of the model's vocabulary")
    String eotToken;

    @Option(names = "--steps-per-stage", defaultValue = "100", description = "(default: ${DEFAULT-VALUE})")
    int stepsPerStage;

    @Option(names = "--batch", defaultValue = "8", description = "(default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--learning-rate", defaultValue = "1e-5", description = "(default: ${DEFAULT-VALUE})")
    double learningRate;

    @Override
    public Integer call() throws Exception {
        if (model != null) return coconutOnHuggingFace();
        EmbeddedPreset p = embedded.preset();
        try (EmbeddedTask task = embedded.task()) {
            Path warm = EmbeddedLayout.warmStart(embedded.runs, p, seed);
            if (coconut) {
                WarmStart.ensure(task, warm, seed);
                Path dir = out != null ? out : EmbeddedLayout.newRun(embedded.runs, "coconut");
                Map<String, Object> s = CoconutRun.run(task, warm, dir, seed);
                System.out.println(Summaries.beforeAfter("coconut", s));
                System.out.println("run: " + dir);
                return 0;
            }
            Path dir = out != null ? out : warm;
            WarmStart.Result r = WarmStart.train(task, dir, seed);
            System.out.printf(Locale.ROOT, "SFT: %d steps, sampled held-out accuracy %.3f; model in %s%n", r.steps(), r.sampledAccuracy(), dir);
        }
        return 0;
    }

    private int coconutOnHuggingFace() throws Exception {
        if (!coconut || data == null || out == null || botToken == null || eotToken == null) {
            throw new IllegalArgumentException("--model needs --coconut, --data, --out, --bot-token and --eot-token");
        }
        CausalLm lm = CausalLm.fromPretrained(model);
        HfTokenizer tok = lm.requireTokenizer();
        int bot = tok.tokenToId(botToken).orElseThrow(() -> new IllegalArgumentException("--bot-token '" + botToken + "' is not in the vocabulary"));
        int eot = tok.tokenToId(eotToken).orElseThrow(() -> new IllegalArgumentException("--eot-token '" + eotToken + "' is not in the vocabulary"));
        Curriculum curriculum = Curriculum.paper(bot, eot);
        PromptBuilder prompts = new PromptBuilder(ChatTemplates.forModelType(lm.config().modelType()));
        List<Problem> problems = Gsm8k.load(data).problems();
        Set<Integer> banned = new HashSet<>(Set.of(bot, eot));
        tok.padTokenId().ifPresent(banned::add);
        CoconutTrainer trainer = new CoconutTrainer(lm, CoconutTrainer.config(batch, learningRate, banned));
        int[] next = {0};
        CurriculumRun.run(trainer, curriculum, stepsPerStage, batch, () -> Gsm8kSteps.example(
                problems.get(next[0]++ % problems.size()), q -> prompts.encode(tok, q), tok, lm.config().primaryEosTokenId()),
                step -> { });
        lm.save(out);
        System.out.println("model: " + out);
        return 0;
    }
}

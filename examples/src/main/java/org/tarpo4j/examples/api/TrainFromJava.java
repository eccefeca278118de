package org.tarpo4j.examples.api;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.eval.EvalResult;
import org.tarpo4j.rl.eval.Evaluator;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.reward.Gsm8kReward;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.StepMetrics;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TarpoTrainer;
import org.tarpo4j.rl.train.TrainerCallback;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Example: TARPO training from Java: a config object, your own problems, a reward of your own as a lambda beside a
 * built-in one, a callback that logs each step's metrics, then an evaluation of the trained policy with your reward.
 *
 * <pre>
 * java -cp "examples/target/tarpo.jar:examples/target/lib/*" org.tarpo4j.examples.api.TrainFromJava \
 *     ../shared/models/tiny-random-llama-ortgenai/hf runs/java-example
 * </pre>
 */
public final class TrainFromJava {
    private TrainFromJava() {}

    /** What a run gave: each step's metrics, the evaluation, and how often the custom reward was called. */
    public record Outcome(List<StepMetrics> steps, EvalResult evaluation, int brevityCalls, List<Completion> evaluated) {}

    /**
     * Trains a few steps and prints the evaluation table; the callback's per-step lines go to standard error.
     *
     * @param args a Hugging Face model directory with its tokenizer, and the run directory
     * @throws IOException when the model cannot be read or the run directory written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: TrainFromJava MODEL_DIR RUN_DIR");
        Outcome o = train(Path.of(args[0]), Path.of(args[1]), 3, System.err);
        System.out.print(o.evaluation().table());
    }

    /** Your reward: 1 for an empty completion, falling linearly to 0 at 80 characters. */
    public static double brevity(String completion, String goldAnswer) {
        return Math.max(0, 1 - completion.length() / 80.0);
    }

    /**
     * @param model a Hugging Face model directory with its tokenizer
     * @param run   where metrics, completions and checkpoints go
     * @param log   where the callback writes one line per step
     */
    public static Outcome train(Path model, Path run, int steps, PrintStream log) throws IOException {
        CausalLm lm = CausalLm.fromPretrained(model);
        HfTokenizer tokenizer = lm.requireTokenizer();

        // your data: a question and its gold answer per problem (a dataset loader gives the same from JSONL)
        List<Problem> train = new ArrayList<>(), test = new ArrayList<>();
        for (int i = 1; i <= 8; i++) train.add(new Problem("train-" + i, "What is " + i + " plus " + i + "?", String.valueOf(2 * i), null));
        for (int i = 1; i <= 3; i++) test.add(new Problem("test-" + i, "What is " + i + " times 3?", String.valueOf(3 * i), null));
        PromptEncoder prompts = p -> tokenizer.encode(p.prompt(), true); // or a chat template (PromptBuilder)

        // your reward, a named lambda, summed with a built-in one: the step's reward is 1.0·gsm8k + 0.5·brevity
        AtomicInteger calls = new AtomicInteger();
        RewardFunction brevity = RewardFunction.of("brevity", (completion, gold) -> {
            calls.incrementAndGet();
            return brevity(completion, gold);
        });
        WeightedRewards rewards = new WeightedRewards(List.of(
                new WeightedRewards.Term(new Gsm8kReward(), 1.0), new WeightedRewards.Term(brevity, 0.5)));

        // the config: TRL's GRPOConfig names, TARPO's own beside them; defaults are the paper's
        TarpoConfig config = TarpoConfig.defaults(Map.of());
        config.mode = LatentMode.TARPO;
        config.maxSteps = steps;
        config.promptsPerStep = 2;
        config.numGenerations = 4;
        config.maxCompletionLength = 8;
        config.temperature = 1.0;
        config.learningRate = 1e-3;
        config.actionBias = 0.85;            // P(hard) ≈ 0.7 at the start
        config.useLora = true;
        config.loraRank = 4;
        config.loraAlpha = 8;
        config.saveSteps = 0;                // a checkpoint at the end only
        config.rewardWeights = new LinkedHashMap<>(Map.of("gsm8k", 1.0, "brevity", 0.5)); // recorded with the run
        config.outputDir = run.toString();
        config.validate();

        TarpoTrainer trainer = new TarpoTrainer(config, lm, train, prompts, rewards, TextDecoder.of(tokenizer, lm.config().vocabSize()), run);
        trainer.setCallback(new TrainerCallback() {
            @Override
            public void onStepEnd(int step, StepMetrics m) {
                log.printf(Locale.ROOT, "step %d: reward %.4f, brevity %.4f, soft ratio %.3f, kl %.5f%n", step, m.get("reward"),
                        m.get("rewards/brevity/mean"), m.get("soft_ratio"), m.get("kl"));
            }
        });
        List<StepMetrics> metrics = trainer.train();

        // evaluate the trained policy (backbone, LoRA adapters and router) on the held-out problems with your reward:
        // a completion counts as correct when it scores at least 0.5
        Set<Integer> banned = new HashSet<>();
        if (lm.config().bosTokenId() != null) banned.add(lm.config().bosTokenId());
        banned.removeAll(lm.stopTokenIds());
        RolloutConfig sampling = new RolloutConfig(4, config.sampling(), config.maxCompletionLength, false, config.answerMarker,
                lm.stopTokenIds(), banned, lm.config().fillTokenId());
        List<Completion> evaluated = new ArrayList<>();
        EvalResult result = new Evaluator(trainer.policy(), sampling, TextDecoder.of(tokenizer, lm.config().vocabSize()), 3)
                .evaluate("my_test", test, prompts, brevity, 11, evaluated::add);
        return new Outcome(metrics, result, calls.get(), evaluated);
    }
}

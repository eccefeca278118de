package org.tarpo4j.examples.api;

import org.tarpo4j.hpo.CandidateScorer;
import org.tarpo4j.hpo.ParameterRange;
import org.tarpo4j.hpo.Sweep;
import org.tarpo4j.hpo.SweepDefinition;
import org.tarpo4j.hpo.SweepParameter;
import org.tarpo4j.hpo.SweepResults;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.eval.Evaluator;
import org.tarpo4j.rl.reward.RewardFunction;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TarpoTrainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Example: an Arbiter search over the trainer config whose score is your own code: each candidate trains briefly on
 * your problems with your reward, and its score is your reward's mean over sampled completions of held-out problems.
 * Here a grid over the router's initial bias b0; results, table and the best candidate's full config go to the sweep
 * directory.
 *
 * <pre>
 * java -cp "examples/target/tarpo.jar:examples/target/lib/*" org.tarpo4j.examples.api.SweepWithYourScore \
 *     ../shared/models/tiny-random-llama-ortgenai/hf runs/java-sweep
 * </pre>
 */
public final class SweepWithYourScore {
    private SweepWithYourScore() {}

    /** Your reward: 1 for an empty completion, falling linearly to 0 at 80 characters. */
    public static final RewardFunction BREVITY = RewardFunction.of("brevity", (completion, gold) -> Math.max(0, 1 - completion.length() / 80.0));

    /** Your training and held-out problems. */
    static final List<Problem> TRAIN = new ArrayList<>(), HELD_OUT = new ArrayList<>();

    static {
        for (int i = 1; i <= 8; i++) TRAIN.add(new Problem("train-" + i, "What is " + i + " plus " + i + "?", String.valueOf(2 * i), null));
        for (int i = 1; i <= 3; i++) HELD_OUT.add(new Problem("test-" + i, "What is " + i + " times 3?", String.valueOf(3 * i), null));
    }

    /**
     * Runs the sweep (progress on standard error) and prints its table and best candidate.
     *
     * @param args a Hugging Face model directory with its tokenizer, and the sweep directory
     * @throws IOException when the model cannot be read or the sweep directory written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: SweepWithYourScore MODEL_DIR SWEEP_DIR");
        SweepResults r = sweep(Path.of(args[0]), Path.of(args[1]), System.err);   // progress and table on stderr
        System.out.print(java.nio.file.Files.readString(r.table()));
        System.out.println("best: " + r.best().map(c -> c.parameters() + " score " + c.score()).orElse("none completed")
                + "; its config: " + r.bestConfig());
    }

    /** A 3-point grid over b0 (P(hard) ≈ 0.12, 0.70, 0.99 at the start), each candidate scored by {@link #scorer}. */
    public static SweepResults sweep(Path model, Path dir, PrintStream out) throws IOException {
        SweepDefinition grid = new SweepDefinition(SweepDefinition.Search.GRID, null, 2, 0, "mean_brevity", Map.of(),
                List.of(ParameterRange.of(SweepParameter.ACTION_BIAS, -2.0, 0.85, 4.6)));
        return new Sweep(grid, base(), scorer(model), dir, out).run();
    }

    /** What every candidate shares: two TARPO steps of 2 prompts × 4 completions, LoRA, the same seed. */
    public static TarpoConfig base() {
        TarpoConfig c = TarpoConfig.defaults(Map.of());
        c.mode = LatentMode.TARPO;
        c.maxSteps = 2;
        c.promptsPerStep = 2;
        c.numGenerations = 4;
        c.maxCompletionLength = 8;
        c.temperature = 1.0;
        c.learningRate = 1e-3;
        c.loraRank = 4;
        c.loraAlpha = 8;
        c.saveSteps = 0;
        c.logCompletionsSteps = 0;
        c.rewardWeights = new LinkedHashMap<>(Map.of(BREVITY.name(), 1.0));
        c.validate();
        return c;
    }

    /**
     * Your score: train the candidate's config from the model on your problems with your reward, then the mean reward
     * of 4 sampled completions per held-out problem. A candidate's {@code outputDir} is its own directory.
     */
    public static CandidateScorer scorer(Path model) {
        return config -> {
            try (CausalLm lm = CausalLm.fromPretrained(model)) {   // a fresh copy: training changes the weights in place
                HfTokenizer tokenizer = lm.requireTokenizer();
                PromptEncoder prompts = p -> tokenizer.encode(p.prompt(), true);
                TextDecoder text = TextDecoder.of(tokenizer, lm.config().vocabSize());
                try (TarpoTrainer trainer = new TarpoTrainer(config, lm, TRAIN, prompts, WeightedRewards.of(BREVITY), text,
                        Path.of(config.outputDir))) { // closed after each candidate: its working memory is freed at once
                    trainer.train();
                    Set<Integer> banned = lm.config().bosTokenId() == null ? Set.of() : Set.of(lm.config().bosTokenId());
                    RolloutConfig sampling = new RolloutConfig(4, config.sampling(), config.maxCompletionLength, false,
                            config.answerMarker, lm.stopTokenIds(), banned, lm.config().fillTokenId());
                    double[] sum = {0};
                    int[] n = {0};
                    new Evaluator(trainer.policy(), sampling, text, HELD_OUT.size()).evaluate("held_out", HELD_OUT, prompts, BREVITY,
                            config.seed, c -> {
                                sum[0] += BREVITY.score(c.text(), "");
                                n[0]++;
                            });
                    return sum[0] / n[0];
                }
            }
        };
    }
}

package org.tarpo4j.examples.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.tarpo4j.examples.arith.ArithmeticTask;
import org.tarpo4j.examples.arith.ArithmeticTokenizer;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.LrSchedulerType;
import org.tarpo4j.rl.train.TarpoConfig;
import org.tarpo4j.rl.train.TarpoTrainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One RL run of the embedded task: a fresh copy of the warm start, held-out accuracy before, {@code rlSteps} of
 * GRPO / HRPO / TARPO, held-out accuracy after; {@value #SUMMARY} and the trainer's logs land in the run directory.
 */
public final class EmbeddedRun {
    public static final String SUMMARY = "summary.json";
    public static final String HELD_OUT_COMPLETIONS = "heldout_completions.jsonl";
    /** The data format name of the embedded task in trainer configs. */
    public static final String ARITH = EmbeddedFormat.NAME;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EmbeddedRun() {}

    /** The trainer config of the embedded run (full fine-tuning, no KL, constant rate after a short warm-up). */
    public static TarpoConfig config(EmbeddedPreset p, String mode, long seed, Path warmStart) {
        TarpoConfig c = TarpoConfig.defaults(Map.of());
        c.modelPath = warmStart.toString();
        c.dataFormat = ARITH; // so the config (e.g. a sweep's best) runs again with train --config
        c.mode = LatentMode.parse(mode);
        c.seed = seed;
        c.maxSteps = p.rlSteps();
        c.promptsPerStep = p.promptsPerStep();
        c.numGenerations = p.numGenerations();
        c.learningRate = p.rlLearningRate();
        c.actionLearningRate = p.routerLearningRate();
        c.warmupRatio = (double) p.warmupSteps() / p.rlSteps();
        c.lrSchedulerType = LrSchedulerType.CONSTANT_WITH_WARMUP;
        c.adamBeta1 = 0.9;
        c.adamBeta2 = 0.99;
        c.weightDecay = 0.0;
        c.maxGradNorm = 1.0;
        c.beta = 0.0;
        c.temperature = p.temperature();
        c.topK = 0;
        c.maxCompletionLength = p.maxCompletionLength();
        // passes of at most 32 positions: a step's working set no longer follows its widest completion (README, "Memory
        // over long runs"); the chunked gradient equals the one-pass one
        c.chunkLength = 32;
        c.actionBias = p.actionBias();
        c.softTopK = p.softTopK();
        c.useLora = false;
        c.saveSteps = 0;
        c.logCompletionsSteps = Math.max(1, p.rlSteps() / 10);
        c.bannedTokenIds = EmbeddedTask.BANNED;
        c.rewardWeights = new LinkedHashMap<>(Map.of(ArithmeticTask.REWARD, 1.0));
        c.validate();
        return c;
    }

    /** The embedded run of {@code mode}: held-out accuracy before and after RL from the warm start. */
    public static Map<String, Object> run(EmbeddedTask task, Path warmStart, Path runDir, String mode, long seed) throws IOException {
        return run(task, config(task.preset(), mode, seed, warmStart), runDir, true);
    }

    /**
     * One RL run with a given trainer config (its {@code modelPath} is the warm start): {@code maxSteps} steps on
     * training problems drawn with its seed, then held-out accuracy; also before RL when {@code evaluateBefore}
     * (runs that share a warm start share that number, so a sweep skips it).
     */
    public static Map<String, Object> run(EmbeddedTask task, TarpoConfig given, Path runDir, boolean evaluateBefore) throws IOException {
        EmbeddedPreset p = task.preset();
        if (!given.rewardWeights.keySet().equals(java.util.Set.of(ArithmeticTask.REWARD))) {
            throw new IllegalArgumentException("reward_weights: the embedded task has one reward, '" + ArithmeticTask.REWARD
                    + "', got " + given.rewardWeights.keySet());
        }
        // the config saved with the run is the one that ran: its output_dir is this run's directory
        TarpoConfig config = given.copy();
        config.outputDir = runDir.toString();
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve(CheckpointManager.CONFIG), config.toJson());
        CausalLm model = CausalLm.fromPretrained(config.modelPath);
        List<Problem> eval = task.heldOut(p.evalProblems());

        long t0 = System.nanoTime(), t1, t2, t3;
        TaskEvaluation.Accuracy before, after;
        List<Completion> samples = new ArrayList<>();
        // closed when the run is done: a comparison or sweep runs many in one process
        try (TarpoTrainer trainer = new TarpoTrainer(config, model,
                task.trainingProblems(config.maxSteps * config.promptsPerStep, config.seed), task.prompts(),
                WeightedRewards.of(ArithmeticTask.reward()), task.text(), runDir)) {
            before = evaluateBefore ? TaskEvaluation.evaluate(task, trainer.policy(), eval, p.evalSamples(), null) : null;
            t1 = System.nanoTime();
            trainer.train();
            t2 = System.nanoTime();
            after = TaskEvaluation.evaluate(task, trainer.policy(), eval, p.evalSamples(), samples::add);
            t3 = System.nanoTime();
        }
        writeCompletions(runDir, task, eval, samples, p.evalSamples());

        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", config.mode.id());
        s.put("seed", config.seed);
        s.put("preset", p.name());
        s.put("rl_steps", config.maxSteps);
        if (before != null) s.put("before", accuracy(before));
        s.put("after", accuracy(after));
        Map<String, Object> time = new LinkedHashMap<>();
        if (before != null) time.put("eval_before", (t1 - t0) / 1e9);
        time.put("rl", (t2 - t1) / 1e9);
        time.put("eval_after", (t3 - t2) / 1e9);
        s.put("time_s", time);
        Files.writeString(runDir.resolve(SUMMARY), JSON.writeValueAsString(s));
        return s;
    }

    static Map<String, Object> accuracy(TaskEvaluation.Accuracy a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("greedy", a.greedy().avgAtK());
        m.put("sampled_avg_at_k", a.sampled().avgAtK());
        m.put("sampled_ci95", a.sampled().avgAtKCi95());
        m.put("pass_at_k", a.sampled().passAtK().get(a.sampled().k()));
        m.put("maj_at_k", a.sampled().majAtK());
        m.put("k", a.sampled().k());
        m.put("problems", a.sampled().problems());
        m.put("soft_ratio", a.sampled().softRatio());
        m.put("mean_tokens", a.sampled().meanTokens());
        m.put("mean_effective_tokens", a.sampled().meanEffectiveTokens());
        return m;
    }

    /** Entropies to 1e-4 nats: the routing view bins them far more coarsely, and the file stays a quarter the size. */
    static double[] rounded(double[] entropies) {
        double[] out = new double[entropies.length];
        for (int i = 0; i < out.length; i++) out[i] = Math.round(entropies[i] * 1e4) / 1e4;
        return out;
    }

    /** Held-out completions after RL with their routes and each step's entropy, for the report's routing view. */
    private static void writeCompletions(Path runDir, EmbeddedTask task, List<Problem> eval, List<Completion> samples, int k)
            throws IOException {
        StringBuilder b = new StringBuilder();
        var text = task.text();
        for (int i = 0; i < samples.size(); i++) {
            Completion c = samples.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            Problem p = eval.get(i / k);
            row.put("prompt", p.prompt());
            row.put("answer", p.answer());
            List<String> tokens = new ArrayList<>();
            for (int id : c.tokens()) tokens.add(text.token(id));
            row.put("tokens", tokens);
            row.put("routes", c.routes());
            if (c.tokenEntropies() != null) row.put("entropies", rounded(c.tokenEntropies()));
            row.put("reward", ArithmeticTask.reward().score(c.text(), p.answer()));
            b.append(JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(row)).append('\n');
        }
        Files.writeString(runDir.resolve(HELD_OUT_COMPLETIONS), b, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}

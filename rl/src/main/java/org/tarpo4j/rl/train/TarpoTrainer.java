package org.tarpo4j.rl.train;

import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.generation.ContextWindow;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.memory.MemoryPlan;
import org.tarpo4j.models.memory.NativeHeap;
import org.tarpo4j.models.training.AdamW;
import org.tarpo4j.models.training.GradientClipping;
import org.tarpo4j.models.training.LearningRateSchedule;
import org.tarpo4j.rl.core.Advantages;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.data.PromptEncoder;
import org.tarpo4j.rl.data.PromptLengths;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.progress.ProgressReporter;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.rollout.MixedRollout;
import org.tarpo4j.rl.rollout.TextDecoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * GRPO / TARPO / HRPO training (the method's §6): each step samples {@code promptsPerStep × numGenerations}
 * completions, scores them, turns rewards into group-relative advantages, and takes {@code numIterations} AdamW steps
 * on the clipped objective with a KL penalty towards the frozen initial model. Steps with a non-finite loss or
 * gradient are skipped (counted in the metrics); checkpoints are written atomically and a run resumes exactly.
 *
 * <p>Limits, checked when the trainer is built: every training prompt must leave room for {@code maxCompletionLength}
 * tokens in the model's context (else the error lists the problems), and the planned memory of a step
 * ({@link MemoryPlan}, printed on stderr) must fit the process's limit, the rollout and the update being cut into
 * batches that fit when their sizes are not given.
 *
 * <p>Long because it is the step in order (rollout, rewards, advantages, micro-batched gradient, update, metrics,
 * checkpoint) with the memory plan that sizes it; each part is a class of its own.
 */
public final class TarpoTrainer implements AutoCloseable {
    private final TarpoConfig config;
    private final Policy policy;
    private final MixedRollout rollout;
    private final WeightedRewards rewards;
    private final PromptEncoder prompts;
    private final TextDecoder text;
    private final ProblemSampler sampler;
    private final ReferencePolicy reference;         // null when beta = 0
    private final TrainableParameters trainable;
    private final Batching batching;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final MetricsLog log;
    private final CheckpointManager checkpoints;
    private final DistributedSteps distributed;      // null: rollouts and gradients in this process
    private TrainerCallback callback = TrainerCallback.NONE;
    private DoubleUnaryOperator lossFault = DoubleUnaryOperator.identity(); // tests: a bad loss with finite gradients
    private int step;
    private int skippedSteps;
    private long numTokens; // prompt and completion tokens seen, TRL's num_tokens

    /**
     * Builds the policy on the model, checks every prompt and the memory of a step, and prepares the optimiser.
     *
     * @param config  the run's settings (validated here)
     * @param model   the starting model (its arrays are trained in place)
     * @param train   the training problems
     * @param prompts a problem's prompt ids
     * @param rewards scores completions; a function that throws or returns a non-finite value stops the run with a
     *                {@link org.tarpo4j.rl.reward.RewardException} naming it, the step and the sample
     * @param text    token ids to text, for the rewards and the marker
     * @param output  the run directory (metrics, completions, checkpoints); an existing run there is resumed if asked
     * @throws IOException when the run directory cannot be created
     */
    public TarpoTrainer(TarpoConfig config, CausalLm model, List<Problem> train, PromptEncoder prompts,
                        WeightedRewards rewards, TextDecoder text, Path output) throws IOException {
        config.validate();
        this.config = config;
        this.prompts = prompts;
        this.rewards = rewards;
        this.text = text;
        this.policy = new Policy(model, config.mode, config.softInput(), config.router(), config.lora());
        this.trainable = TrainableParameters.select(model.parameters(), config.useLora);
        // fail at the start, not at the step that samples a problem too long or a batch too large
        int longestPrompt = PromptLengths.requireFit(train, prompts, config.maxCompletionLength,
                new ContextWindow(model.maxContext()), "training data");
        this.batching = planMemory(config, model, trainable, longestPrompt);
        System.err.println(batching.plan().table());
        StepParts parts = StepParts.attach(config, policy, text, batching.rolloutRows());
        this.reference = parts.reference();
        this.rollout = parts.rollout();
        this.sampler = new ProblemSampler(train, config.seed);
        this.optimizer = trainable.optimizer(config);
        this.schedule = new LearningRateSchedule(config.lrSchedulerType.kind(), (int) Math.ceil(config.warmupRatio * config.maxSteps), config.maxSteps);
        this.log = new MetricsLog(output, text);
        this.checkpoints = new CheckpointManager(output, config);
        // spark_master: rollouts and gradients on Spark executors, built from the model as it is now (before any resume)
        this.distributed = config.sparkMaster == null ? null : DistributedSteps.start(new DistributedSteps.Setup(config,
                model, trainableArrays(), batching.rolloutRows(), batching.microBatchRows(), batching.chunkLength(), rewards, text));
    }

    private Map<String, org.nd4j.linalg.api.ndarray.INDArray> trainableArrays() {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> m = new LinkedHashMap<>(trainable.backbone());
        m.putAll(trainable.heads());
        return m;
    }

    /**
     * How a step is cut to fit memory.
     *
     * @param rolloutRows    completions decoded together
     * @param microBatchRows completions per forward/backward pass
     * @param chunkLength    positions of a row per pass (longer rows go in chunks)
     * @param plan           the step's memory plan at those sizes
     */
    public record Batching(int rolloutRows, int microBatchRows, int chunkLength, MemoryPlan plan) {}

    /**
     * The memory plan a trainer with these arguments would follow, and the batch sizes it would pick, without building
     * the trainer (no reference copy, no optimizer state): for {@code train --plan} and for sizing a run beforehand.
     * The model's graph is built (the adapters and router are counted), its weights are not copied.
     *
     * @param config  the run's settings (validated here)
     * @param model   the starting model
     * @param train   the training problems, whose longest prompt sizes the plan
     * @param prompts a problem's prompt ids
     * @return the batch sizes and the memory plan at them
     * @throws IllegalArgumentException for a bad config or a prompt that leaves no room for a completion
     * @throws org.tarpo4j.models.memory.MemoryLimitExceededException when even the smallest sizes, or the given ones,
     *                                                                exceed the process's memory limit
     */
    public static Batching plan(TarpoConfig config, CausalLm model, List<Problem> train, PromptEncoder prompts) {
        config.validate();
        Policy policy = new Policy(model, config.mode, config.softInput(), config.router(), config.lora());
        int longestPrompt = PromptLengths.requireFit(train, prompts, config.maxCompletionLength,
                new ContextWindow(model.maxContext()), "training data");
        return planMemory(config, model, TrainableParameters.select(policy.model().parameters(), config.useLora), longestPrompt);
    }

    /** The shortest chunk the plan cuts a row into: below it a pass is all overhead. */
    static final int MIN_CHUNK = 32;

    /**
     * Plans a step's memory before the reference copy, the optimiser moments or any batch is allocated
     * ({@link MemoryPlan}): an unset {@code rollout_batch_size}, {@code per_device_train_batch_size} or
     * {@code chunk_length} becomes the largest that fits (all of a step's rows and positions when they do; halved, in
     * that order, until it fits otherwise), a set one is used as given. Refused, naming the keys, when even one row
     * and the shortest chunk at a time, or the given sizes, cannot fit.
     */
    static Batching planMemory(TarpoConfig c, CausalLm model, TrainableParameters trainable, int longestPrompt) {
        return planMemory(c, model.config(), model.parameters().count(), trainable.count(), longestPrompt, MemoryPlan.limitBytes());
    }

    /** The same from the counts alone, against a given limit (0: none). */
    static Batching planMemory(TarpoConfig c, ModelConfig model, long parameters, long trainable, int longestPrompt, long limit) {
        int rows = c.promptsPerStep * c.numGenerations;
        int width = longestPrompt + c.maxCompletionLength;
        int rollout = c.rolloutBatchSize != null ? Math.min(c.rolloutBatchSize, rows) : rows;
        int micro = c.perDeviceTrainBatchSize != null ? Math.min(c.perDeviceTrainBatchSize, rows) : rows;
        int chunk = c.chunkLength != null ? Math.min(c.chunkLength, width) : width;
        MemoryPlan plan = plan(c, model, parameters, trainable, longestPrompt, rollout, micro, chunk);
        while (!plan.fits(limit)) {
            boolean rolloutBinds = MemoryPlan.sum(plan.rollout()) >= MemoryPlan.sum(plan.update());
            if (rolloutBinds && c.rolloutBatchSize == null && rollout > 1) rollout = (rollout + 1) / 2;
            else if (c.perDeviceTrainBatchSize == null && micro > 1) micro = (micro + 1) / 2;
            else if (c.chunkLength == null && chunk > MIN_CHUNK) chunk = Math.max(MIN_CHUNK, (chunk + 1) / 2);
            else if (c.rolloutBatchSize == null && rollout > 1) rollout = (rollout + 1) / 2;
            else break;
            plan = plan(c, model, parameters, trainable, longestPrompt, rollout, micro, chunk);
        }
        if (limit > 0) plan.requireWithin(limit);
        return new Batching(rollout, micro, chunk, plan);
    }

    private static MemoryPlan plan(TarpoConfig c, ModelConfig model, long parameters, long trainable, int longestPrompt,
                                   int rolloutRows, int microBatchRows, int chunkLength) {
        long referenceCopy = c.beta > 0 && !c.useLora ? parameters : 0; // full fine-tuning copies the reference model
        return MemoryPlan.training(model, new MemoryPlan.Training(parameters, trainable, referenceCopy,
                rolloutRows, longestPrompt, c.maxCompletionLength, microBatchRows,
                (long) longestPrompt + c.maxCompletionLength, chunkLength, !c.useLora));
    }

    /** Tests: every step's loss passes through {@code f} before the finite check (a fault the model cannot make on cue). */
    void injectLossFault(DoubleUnaryOperator f) { this.lossFault = f; }

    /** @param callback called during every step from now on ({@link TrainerCallback#NONE} for none) */
    public void setCallback(TrainerCallback callback) { this.callback = callback; }

    /**
     * Frees the working memory the policy's and the reference's graphs keep between steps, which otherwise waits for
     * the garbage collector (runs one after another in one process, as {@code compare} and sweeps do, held gigabytes).
     * The policy stays usable (evaluation, saving); training again allocates afresh.
     */
    @Override
    public void close() {
        policy.releaseWorkingMemory();
        if (reference != null) reference.releaseWorkingMemory();
    }

    /** @return the policy being trained (for evaluation, or to save its model) */
    public Policy policy() { return policy; }

    /** @return steps completed */
    public int step() { return step; }

    /** @return steps skipped for a non-finite loss, gradient or reward */
    public int skippedSteps() { return skippedSteps; }

    /**
     * Restores the latest complete checkpoint of the run directory, if any, and cuts the logs back to it; returns the
     * step it resumes from (0 without a checkpoint: the logged steps of a run stopped before its first are dropped).
     *
     * @return the step it resumes from
     * @throws IOException when a checkpoint or log cannot be read
     */
    public int resume() throws IOException {
        var state = checkpoints.loadLatest(policy, optimizer);
        if (state == null) {
            log.truncateAfter(0); // they are redone: kept, they would appear twice
            return 0;
        }
        step = state.step();
        skippedSteps = state.skippedSteps();
        numTokens = state.numTokens();
        sampler.restore(state.dataEpoch(), state.dataPosition());
        log.truncateAfter(step);
        return step;
    }

    /**
     * Runs until {@code maxSteps}, checkpointing every {@code saveSteps} and at the end.
     *
     * @return the metrics of the steps run by this call
     * @throws IOException when logs or checkpoints cannot be written
     */
    public List<StepMetrics> train() throws IOException {
        List<StepMetrics> all = new ArrayList<>();
        try (ProgressReporter progress = new ProgressReporter("train " + config.mode.id(), config.maxSteps, step)) {
            while (step < config.maxSteps) {
                StepMetrics m = trainStep();
                all.add(m);
                progress.advance(String.format(java.util.Locale.ROOT, "reward %.3f soft %.3f kl %.4f",
                        m.values().getOrDefault("reward", Double.NaN), m.values().getOrDefault("soft_ratio", 0.0),
                        m.values().getOrDefault("kl", 0.0)));
                if (config.saveSteps > 0 && step % config.saveSteps == 0 || step == config.maxSteps) save();
            }
        } finally {
            if (distributed != null) distributed.close(); // the last broadcast weights
        }
        return all;
    }

    /**
     * Writes a checkpoint of the current step, atomically.
     *
     * @throws IOException when it cannot be written
     */
    public void save() throws IOException {
        checkpoints.save(step, new TrainerState(step, skippedSteps, sampler.epoch(), sampler.position(),
                optimizer.stepCount(), numTokens), policy, optimizer);
    }

    /**
     * One rollout, scoring and update; returns its metrics (also logged).
     *
     * @return the step's metrics
     * @throws IOException when the logs cannot be written
     */
    public StepMetrics trainStep() throws IOException {
        long t0 = System.nanoTime();
        ProcessClock clock0 = ProcessClock.now();
        List<Problem> problems = sampler.next(config.promptsPerStep);
        List<int[]> promptIds = new ArrayList<>();
        for (Problem p : problems) promptIds.add(prompts.encode(p));
        long seed = stepSeed(config.seed, step);
        DistributedSteps.Rollouts spread = distributed == null ? null : distributed.rollout(step, problems, promptIds, seed);
        List<Completion> completions = spread == null ? rollout.generate(promptIds, seed) : spread.completions();
        long t1 = System.nanoTime();

        RolloutScores scores = spread != null && spread.scores() != null ? spread.scores()
                : RolloutScores.score(rewards, step, config.numGenerations, completions, problems::get);
        double[] reward = scores.total();
        Map<String, double[]> byName = scores.byName();
        callback.onRewards(step, reward);
        boolean finiteRewards = allFinite(reward);
        double[] advantages = Advantages.compute(reward, config.numGenerations, config.scaleRewards, true);

        List<int[]> perCompletionPrompt = new ArrayList<>();
        for (Completion c : completions) perCompletionPrompt.add(promptIds.get(c.promptIndex()));
        Map<String, Double> lossMetrics = new LinkedHashMap<>();
        double gradNorm = Double.NaN;
        boolean skipped = false;
        double lrFactor = schedule.factor(step);
        long t2, t3;
        try (StepGradient gradient = distributed != null ? distributed.gradient(step, perCompletionPrompt, completions, advantages)
                : new PolicyGradient(policy, reference, config, batching.microBatchRows(), batching.chunkLength(),
                perCompletionPrompt, completions, advantages, rollout.config().padTokenId())) {
            t2 = System.nanoTime();
            for (int it = 0; it < config.numIterations; it++) {
                StepGradient.Result r = gradient.compute(trainable.names());
                double loss = lossFault.applyAsDouble(r.metrics().get("loss"));
                callback.onGradients(step, r.gradients(), loss);
                lossMetrics.putAll(r.metrics());
                lossMetrics.put("loss", loss);
                gradNorm = GradientClipping.globalNorm(r.gradients());
                boolean finite = finiteRewards && Double.isFinite(loss) && Double.isFinite(gradNorm);
                if (finite) {
                    GradientClipping.clip(r.gradients(), config.maxGradNorm);
                    optimizer.step(r.gradients(), lrFactor);
                }
                gradient.release(r.gradients());
                if (!finite) {
                    skipped = true; // one bad batch must not poison the weights: no update at all
                    break;
                }
            }
            t3 = System.nanoTime();
        }
        ProcessClock clock3 = ProcessClock.now();
        if (skipped) skippedSteps++;
        step++;
        NativeHeap.trim(); // the step's arrays are freed: their pages go back, so the next step's shapes start afresh

        numTokens += StepMetricsBuilder.tokens(promptIds, completions);
        StepMetrics metrics = StepMetricsBuilder.build(step, sampler.passes(), numTokens, completions, reward, byName, advantages,
                config, lossMetrics, gradNorm, lrFactor, skipped, skippedSteps, t1 - t0, t2 - t1, t3 - t2,
                clock3.cpuSecondsSince(clock0), clock3.gcSecondsSince(clock0));
        if (distributed != null) metrics = metrics.with(distributed.stepMetrics());
        log.write(metrics);
        if (config.logCompletionsSteps > 0 && step % config.logCompletionsSteps == 0) {
            log.writeCompletions(step, problems, completions, reward, advantages);
        }
        callback.onStepEnd(step, metrics);
        return metrics;
    }

    /** The seed of a step's rollout: each completion's stream is then a function of (seed, step, prompt, sample). */
    static long stepSeed(long seed, int step) {
        return Rng.forRow(seed, step, -1).nextLong();
    }

    private static boolean allFinite(double[] x) {
        for (double v : x) if (!Double.isFinite(v)) return false;
        return true;
    }

    LatentMode mode() { return policy.mode(); }

    MixedRollout rollout() { return rollout; }

    TrainableParameters trainable() { return trainable; }

    Map<String, org.nd4j.linalg.api.ndarray.INDArray> optimizerState() { return optimizer.state(); }

    /** The frozen reference's parameters (for tests); null when β = 0. */
    org.tarpo4j.layers.core.Parameters referenceParameters() { return reference == null ? null : reference.parameters(); }

    /** The micro-batched gradient of given completions under another config's loss settings (for tests). */
    PolicyGradient policyGradient(TarpoConfig c, List<int[]> prompts, List<Completion> completions, double[] advantages) {
        int micro = c.perDeviceTrainBatchSize == null ? completions.size() : c.perDeviceTrainBatchSize;
        int chunk = c.chunkLength == null ? Integer.MAX_VALUE : c.chunkLength;
        return new PolicyGradient(policy, reference, c, micro, chunk, prompts, completions, advantages, rollout.config().padTokenId());
    }
}

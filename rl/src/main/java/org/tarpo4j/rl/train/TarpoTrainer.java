package org.tarpo4j.rl.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.generation.ContextWindow;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.memory.MemoryEstimate;
import org.tarpo4j.models.training.AdamW;
import org.tarpo4j.models.training.GradientClipping;
import org.tarpo4j.models.training.LearningRateSchedule;
import org.tarpo4j.rl.core.Advantages;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.policy.Policy;
import org.tarpo4j.rl.policy.PolicyLoss;
import org.tarpo4j.rl.policy.TrainingBatch;
import org.tarpo4j.rl.reward.WeightedRewards;
import org.tarpo4j.rl.rollout.Completion;
import org.tarpo4j.rl.rollout.MixedRollout;
import org.tarpo4j.rl.rollout.RolloutConfig;
import org.tarpo4j.rl.rollout.TextDecoder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GRPO / TARPO / HRPO training (the method's §6): each step samples {@code promptsPerStep × numGenerations}
 * completions, scores them, turns rewards into group-relative advantages, and takes {@code numIterations} AdamW steps
 * on the clipped objective with a KL penalty towards the frozen initial model. Steps with a non-finite loss or
 * gradient are skipped (counted in the metrics); checkpoints are written atomically and a run resumes exactly.
 *
 * <p>Limits, checked when the trainer is built: every training prompt must leave room for {@code maxCompletionLength}
 * tokens in the model's context (else the error lists the problems), and the estimated memory of a step must fit
 * ND4J's limit.
 */
public final class TarpoTrainer {
    private final TarpoConfig config;
    private final Policy policy;
    private final MixedRollout rollout;
    private final WeightedRewards rewards;
    private final PromptEncoder prompts;
    private final TextDecoder text;
    private final ProblemSampler sampler;
    private final ReferencePolicy reference;         // null when beta = 0
    private final TrainableParameters trainable;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final MetricsLog log;
    private final CheckpointManager checkpoints;
    private final Rng samplingRng;
    private TrainerCallback callback = TrainerCallback.NONE;
    private int step;
    private int skippedSteps;
    private long numTokens; // prompt and completion tokens seen, TRL's num_tokens

    /**
     * @param model  the starting model (its arrays are trained in place)
     * @param output the run directory (metrics, completions, checkpoints); an existing run there is resumed if asked
     */
    public TarpoTrainer(TarpoConfig config, CausalLm model, List<Problem> train, PromptEncoder prompts,
                        WeightedRewards rewards, TextDecoder text, Path output) throws IOException {
        config.validate();
        this.config = config;
        this.prompts = prompts;
        this.rewards = rewards;
        this.text = text;
        this.policy = new Policy(model, config.latentMode(), config.softInput(), config.router(), config.lora());
        this.trainable = TrainableParameters.select(model.parameters(), config.useLora);
        // fail at the start, not at the step that samples a problem too long or a batch too large
        int longestPrompt = PromptLengths.requireFit(train, prompts, config.maxCompletionLength,
                new ContextWindow(model.maxContext()), "training data");
        requireMemory(config, model, trainable, longestPrompt);
        Set<Integer> banned = bannedIds(config, model);
        PolicyLoss.attachLogProbs(policy, config.temperature, banned);
        PolicyLoss.attachLoss(policy, config.loss());
        this.reference = config.beta > 0
                ? new ReferencePolicy(policy, config.referenceContext.equals("mixed"), config.temperature, banned) : null;
        int pad = model.config().fillTokenId();
        this.rollout = new MixedRollout(policy, new RolloutConfig(config.numGenerations, config.sampling(),
                config.maxCompletionLength, config.greedyRouting, config.answerMarker,
                new HashSet<>(model.config().eosTokenIds()), banned, pad), text);
        this.sampler = new ProblemSampler(train, config.seed);
        this.optimizer = trainable.optimizer(config);
        this.schedule = new LearningRateSchedule(config.lrKind(), (int) Math.ceil(config.warmupRatio * config.maxSteps), config.maxSteps);
        this.samplingRng = new Rng(config.seed);
        this.log = new MetricsLog(output, text);
        this.checkpoints = new CheckpointManager(output, config);
    }

    /**
     * Refuses, before the reference copy, the optimiser moments or any batch is allocated, a step whose rollout
     * ({@code promptsPerStep × numGenerations} rows up to the longest prompt plus {@code maxCompletionLength}) or update
     * cannot fit ND4J's memory limit ({@link MemoryEstimate}).
     */
    private static void requireMemory(TarpoConfig c, CausalLm model, TrainableParameters trainable, int longestPrompt) {
        long rows = (long) c.promptsPerStep * c.numGenerations;
        long parameters = model.parameters().count();
        long frozenCopy = c.beta > 0 && !c.useLora ? parameters : 0; // full fine-tuning copies the reference model
        MemoryEstimate.generation(model.config(), rows, longestPrompt, c.maxCompletionLength, parameters).requireWithinNd4jLimit();
        MemoryEstimate.trainingStep(model.config(), rows, (long) longestPrompt + c.maxCompletionLength, parameters,
                trainable.count(), frozenCopy).requireWithinNd4jLimit();
    }

    private static Set<Integer> bannedIds(TarpoConfig c, CausalLm model) {
        if (c.bannedTokenIds != null) return Set.copyOf(c.bannedTokenIds);
        Set<Integer> b = new HashSet<>();
        if (model.config().padTokenId() != null) b.add(model.config().padTokenId());
        if (model.config().bosTokenId() != null && !model.config().eosTokenIds().contains(model.config().bosTokenId())) {
            b.add(model.config().bosTokenId());
        }
        b.removeAll(model.config().eosTokenIds()); // never ban the way to stop
        return b;
    }

    public void setCallback(TrainerCallback callback) { this.callback = callback; }

    public Policy policy() { return policy; }

    public int step() { return step; }

    public int skippedSteps() { return skippedSteps; }

    /**
     * Restores the latest complete checkpoint of the run directory, if any, and cuts the logs back to it; returns the
     * step it resumes from (0 without a checkpoint: the logged steps of a run stopped before its first are dropped).
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
        samplingRng.setState(state.samplingRngState());
        sampler.restore(state.dataEpoch(), state.dataPosition());
        log.truncateAfter(step);
        return step;
    }

    /** Runs until {@code maxSteps}, checkpointing every {@code saveSteps} and at the end. */
    public List<StepMetrics> train() throws IOException {
        List<StepMetrics> all = new ArrayList<>();
        try (ProgressReporter progress = new ProgressReporter("train " + config.mode, config.maxSteps, step)) {
            while (step < config.maxSteps) {
                StepMetrics m = trainStep();
                all.add(m);
                progress.step(m);
                if (config.saveSteps > 0 && step % config.saveSteps == 0 || step == config.maxSteps) save();
            }
        }
        return all;
    }

    public void save() throws IOException {
        checkpoints.save(step, new TrainerState(step, skippedSteps, samplingRng.state(), sampler.epoch(), sampler.position(),
                optimizer.stepCount(), numTokens), policy, optimizer);
    }

    /** One rollout, scoring and update; returns its metrics (also logged). */
    public StepMetrics trainStep() throws IOException {
        long t0 = System.nanoTime();
        List<Problem> problems = sampler.next(config.promptsPerStep);
        List<int[]> promptIds = new ArrayList<>();
        for (Problem p : problems) promptIds.add(prompts.encode(p));
        List<Completion> completions = rollout.generate(promptIds, samplingRng);
        long t1 = System.nanoTime();

        int n = completions.size();
        double[] reward = new double[n];
        Map<String, double[]> byName = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Completion c = completions.get(i);
            WeightedRewards.Scores s = rewards.scoreAll(c.text(), problems.get(c.promptIndex()).answer());
            reward[i] = s.total();
            int row = i;
            s.byName().forEach((k, v) -> byName.computeIfAbsent(k, x -> new double[n])[row] = v);
        }
        callback.onRewards(step, reward);
        boolean finiteRewards = allFinite(reward);
        double[] advantages = Advantages.compute(reward, config.numGenerations, config.scaleRewards(), true);

        List<int[]> perCompletionPrompt = new ArrayList<>();
        for (Completion c : completions) perCompletionPrompt.add(promptIds.get(c.promptIndex()));
        TrainingBatch batch = new TrainingBatch(perCompletionPrompt, completions, rollout.config().padTokenId(), config.softTopK);
        float[][] mask = batch.completionMask;
        if (config.maskTruncatedCompletions) {
            for (int i = 0; i < n; i++) if (!completions.get(i).stopped()) java.util.Arrays.fill(mask[i], 0f);
        }
        INDArray maskArr = Nd4j.createFromArray(mask);
        Map<String, INDArray> ph = batch.modelInputs(policy, false);
        ph.put(PolicyLoss.COMPLETION_MASK, maskArr);
        ph.put(PolicyLoss.ADVANTAGES, Nd4j.createFromArray(advantages).castTo(maskArr.dataType()).reshape(n, 1));
        ph.put(PolicyLoss.OLD_TOKEN_LOGP, Nd4j.createFromArray(batch.oldTokenLogp));
        if (!config.tokenLossOnSoftSteps) {
            ph.put(PolicyLoss.TOKEN_LOSS_MASK, maskArr.mul(Nd4j.createFromArray(batch.hardStepMask)));
        }
        if (policy.mode().hasRouter()) {
            ph.put(PolicyLoss.ROUTE_TARGETS, Nd4j.createFromArray(batch.routeTargets));
            ph.put(PolicyLoss.OLD_ROUTE_LOGP, Nd4j.createFromArray(batch.oldRouteLogp));
        }
        if (reference != null) {
            Map<String, INDArray> ref = reference.logProbs(batch, maskArr);
            ph.put(PolicyLoss.REF_TOKEN_LOGP, ref.get(PolicyLoss.TOKEN_LOGP));
            if (policy.mode().hasRouter()) ph.put(PolicyLoss.REF_ROUTE_LOGP, ref.get(PolicyLoss.ROUTE_LOGP));
        }
        long t2 = System.nanoTime();

        List<String> metricOutputs = new ArrayList<>(List.of(PolicyLoss.LOSS, PolicyLoss.KL_TOKEN, PolicyLoss.KL_ROUTE,
                PolicyLoss.CLIP_RATIO, PolicyLoss.CLIP_LOW, PolicyLoss.CLIP_HIGH, PolicyLoss.ENTROPY));
        if (policy.mode().hasRouter()) metricOutputs.add(PolicyLoss.ROUTE_ENTROPY);
        Map<String, Double> lossMetrics = new LinkedHashMap<>();
        double gradNorm = Double.NaN;
        boolean skipped = false;
        double lrFactor = schedule.factor(step);
        for (int it = 0; it < config.numIterations; it++) {
            Gradients.Result r = Gradients.compute(policy.graph().graph(), PolicyLoss.LOSS, ph, metricOutputs, trainable.names());
            double[] loss = {r.outputs().get(PolicyLoss.LOSS).getDouble(0)};
            callback.onGradients(step, r.gradients(), loss);
            for (String k : metricOutputs) lossMetrics.put(k, r.outputs().get(k).getDouble(0));
            lossMetrics.put(PolicyLoss.LOSS, loss[0]);
            gradNorm = GradientClipping.globalNorm(r.gradients());
            if (!finiteRewards || !Double.isFinite(loss[0]) || !Double.isFinite(gradNorm)) {
                skipped = true; // one bad batch must not poison the weights: no update at all
                break;
            }
            GradientClipping.clip(r.gradients(), config.maxGradNorm);
            optimizer.step(r.gradients(), lrFactor);
        }
        if (skipped) skippedSteps++;
        long t3 = System.nanoTime();
        step++;

        numTokens += StepMetricsBuilder.tokens(promptIds, completions);
        StepMetrics metrics = StepMetricsBuilder.build(step, sampler.passes(), numTokens, completions, reward, byName, advantages,
                config, lossMetrics, gradNorm, lrFactor, skipped, skippedSteps, t1 - t0, t2 - t1, t3 - t2);
        log.write(metrics);
        if (config.logCompletionsSteps > 0 && step % config.logCompletionsSteps == 0) {
            log.writeCompletions(step, problems, completions, reward, advantages);
        }
        callback.onStepEnd(step, metrics);
        return metrics;
    }

    private static boolean allFinite(double[] x) {
        for (double v : x) if (!Double.isFinite(v)) return false;
        return true;
    }

    LatentMode mode() { return policy.mode(); }
}

package org.tarpo4j.rl.rollout;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.HostArrays;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.layers.tarpo.LatentInputMixer;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.StepOutput;
import org.tarpo4j.models.generation.ContextWindow;
import org.tarpo4j.models.generation.PromptBatch;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.generation.StepSampler;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.memory.MemoryPlan;
import org.tarpo4j.rl.policy.Policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples G completions per prompt with mixed (hard/soft) inputs, all B·G rows advancing together through one
 * KV-cached decode step per token (the method's §4):
 * <ol>
 *   <li>the step's logits and router logits come from the same hidden state;</li>
 *   <li>a token is always sampled from the processed distribution p_t and always appended to the text;</li>
 *   <li>a route is sampled from the router (prompt positions are hard; once the completion contains the answer
 *       marker every later route is hard, the step that emits it is still routed freely);</li>
 *   <li>the next input is the soft embedding of p_t's top-k on a soft route, else the token's embedding.</li>
 * </ol>
 * In {@code hrpo} mode every reasoning step (before the marker) takes the gated mixture; in {@code grpo} mode every
 * input is hard and this is plain sampling.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class MixedRollout {
    private final Policy policy;
    private final RolloutConfig config;
    private final TextDecoder text;
    private final int vocab, topK, hidden;
    private final boolean hiddenSoftInputs; // soft input = the step's hidden state (COCONUT-style) instead of top-k
    private final boolean latentPlaceholders; // the graph takes latent vectors (hidden-state soft inputs, coconut)

    public MixedRollout(Policy policy, RolloutConfig config, TextDecoder text) {
        this.policy = policy;
        this.config = config;
        this.text = text;
        this.vocab = policy.model().config().vocabSize();
        this.topK = policy.softInput().topK();
        this.hidden = policy.model().config().hiddenSize();
        this.hiddenSoftInputs = policy.mode() == LatentMode.TARPO && policy.softInput().hiddenState();
        this.latentPlaceholders = hiddenSoftInputs || policy.mode() == LatentMode.COCONUT;
        if ((config.thoughts() != null) != (policy.mode() == LatentMode.COCONUT)) {
            throw new IllegalArgumentException("continuous thoughts need the coconut mode, and it needs them");
        }
    }

    public RolloutConfig config() { return config; }

    /** Per-row state of one completion being sampled. */
    private final class Row {
        final int promptIndex;
        final int[] prompt;
        final Rng rng;
        final List<Integer> tokens = new ArrayList<>(), routes = new ArrayList<>();
        final List<int[]> softIds = new ArrayList<>();
        final List<float[]> softWeights = new ArrayList<>(), latentInputs = new ArrayList<>();
        final List<Double> tokenLogp = new ArrayList<>(), routeLogp = new ArrayList<>();
        final MarkerDetector marker = new MarkerDetector(config.answerMarker());
        boolean done, stopped;
        int nextPosition;

        Row(int promptIndex, int[] prompt, Rng rng) {
            this.promptIndex = promptIndex;
            this.prompt = prompt;
            this.rng = rng;
        }

        Completion toCompletion() {
            int n = tokens.size();
            int[] t = tokens.stream().mapToInt(Integer::intValue).toArray();
            return new Completion(promptIndex, t, routes.stream().mapToInt(Integer::intValue).toArray(),
                    softIds.toArray(new int[n][]), softWeights.toArray(new float[n][]),
                    hiddenSoftInputs ? latentInputs.toArray(new float[n][]) : null,
                    tokenLogp.stream().mapToDouble(Double::doubleValue).toArray(),
                    routeLogp.stream().mapToDouble(Double::doubleValue).toArray(), stopped,
                    text == null ? null : text.decode(t));
        }
    }

    /** {@link #generate(List, long)} with the seed drawn from {@code rng}. */
    public List<Completion> generate(List<int[]> prompts, Rng rng) {
        return generate(prompts, rng.nextLong());
    }

    /**
     * G completions for each prompt, prompt-major: completions {@code [i·G, (i+1)·G)} answer prompt i. Completion
     * {@code (i, j)} samples from its own stream, {@link Rng#forRow}{@code (seed, i, j)}, so it is the same whether it is
     * decoded with the others or in a batch of {@link RolloutConfig#batchRows} rows. Refused before anything runs: a
     * prompt id outside the vocabulary, a prompt that leaves no room for {@code maxCompletionLength} tokens in the
     * model's context, and a batch whose estimated memory exceeds ND4J's limit.
     */
    public List<Completion> generate(List<int[]> prompts, long seed) {
        return generate(prompts, null, seed);
    }

    /**
     * {@link #generate(List, long)} for some of a step's prompts: prompt {@code k} of the list is prompt
     * {@code promptIndices[k]} of the step, which is what its completions' streams and {@link Completion#promptIndex()}
     * depend on; so a step cut into parts (one per Spark executor) samples exactly what it samples in one piece.
     *
     * @param prompts       the prompts' ids
     * @param promptIndices each prompt's index in its step, or null for 0, 1, 2, ...
     * @param seed          the step's seed
     * @return G completions per prompt, prompt-major
     */
    public List<Completion> generate(List<int[]> prompts, int[] promptIndices, long seed) {
        if (promptIndices != null && promptIndices.length != prompts.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + promptIndices.length + " prompt indices");
        }
        int g = config.numGenerations();
        RolloutConfig.ContinuousThoughts thoughts = config.thoughts();
        int newPositions = config.maxCompletionLength() + (thoughts == null ? 0 : thoughts.count() + 2); // <bot> L <eot>
        PromptBatch.requireValidIds(prompts, vocab, "rollout");
        new ContextWindow(policy.model().maxContext()).requireRoom(prompts, newPositions, "rollout");
        int total = prompts.size() * g;
        int perBatch = config.batchRows() == 0 ? total : Math.min(config.batchRows(), total);
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElse(0);
        MemoryPlan.generation(policy.model().config(), perBatch, longest, newPositions,
                policy.model().parameters().count()).requireWithinLimit();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            int[] p = prompts.get(i);
            int[] prompt = thoughts == null ? p : java.util.Arrays.copyOf(p, p.length + 1);
            if (thoughts != null) prompt[p.length] = thoughts.beginId(); // COCONUT: the prompt ends with <bot>
            int index = promptIndices == null ? i : promptIndices[i];
            for (int k = 0; k < g; k++) rows.add(new Row(index, prompt, Rng.forRow(seed, index, k)));
        }
        for (int start = 0; start < total; start += perBatch) decode(rows.subList(start, Math.min(total, start + perBatch)));
        List<Completion> completions = new ArrayList<>();
        for (Row row : rows) completions.add(row.toCompletion());
        return completions;
    }

    /** Samples the completions of {@code rows} together, one KV-cached decode step per token. */
    private void decode(List<Row> rows) {
        int thoughtSteps = config.thoughts() == null ? 0 : config.thoughts().count() + 1;
        int width = rows.stream().mapToInt(r -> r.prompt.length).max().orElse(0);
        try (IncrementalDecoder decoder = policy.decoder(rows.size(), width + thoughtSteps + config.maxCompletionLength());
             NativeArrays step = new NativeArrays()) {
            decode(rows, decoder, step);
        }
    }

    private void decode(List<Row> rows, IncrementalDecoder decoder, NativeArrays arrays) {
        RolloutConfig.ContinuousThoughts thoughts = config.thoughts();
        List<int[]> rowsPrompts = new ArrayList<>();
        for (Row row : rows) rowsPrompts.add(row.prompt);
        PromptBatch batch = new PromptBatch(rowsPrompts, config.padTokenId());
        int n = batch.rows();
        for (int r = 0; r < n; r++) rows.get(r).nextPosition = batch.length(r);

        LatentMode mode = policy.mode();
        // one bulk copy of the step's logits, then per row exactly LogitsProcessor + sample + TokenLogProbs.logProb
        StepSampler sampler = new StepSampler(config.sampling(), vocab, config.bannedTokenIds());

        StepInput prefill = batch.toStepInput();
        arrays.track(prefill.inputIds());
        arrays.track(prefill.positionIds());
        arrays.track(prefill.validity());
        if (mode.hasSoftInputs()) prefill = withSoftInputs(prefill, new int[n][batch.width()][topK], new float[n][batch.width()][topK],
                new float[n][batch.width()][latentPlaceholders ? hidden : 0], new float[n][batch.width()], arrays);
        StepOutput out = decoder.forward(prefill);
        if (thoughts != null) out = think(decoder, rows, arrays.track(lastPositions(out.hidden(), n, batch.width())), thoughts, arrays);
        int width = thoughts == null ? batch.width() : 1; // after thoughts, the outputs are of the end marker alone
        INDArray logits = arrays.track(lastPositions(out.logits(), n, width));
        INDArray routeLogits = mode.hasRouter() ? arrays.track(lastPositions(out.extra().get(ActionHeadRouter.LOGITS), n, width)) : null;
        INDArray hiddenStates = hiddenSoftInputs ? arrays.track(lastPositions(out.hidden(), n, width)) : null;

        for (int t = 0; t < config.maxCompletionLength(); t++) {
            int[][] nextIds = new int[n][1], nextPos = new int[n][1], valid = new int[n][1];
            int[][][] sIds = new int[n][1][topK];
            float[][][] sW = new float[n][1][topK];
            float[][] routes = new float[n][1];
            float[][][] latent = new float[n][1][latentPlaceholders ? hidden : 0];
            sampler.load(logits);
            float[][] hiddenRows = hiddenStates == null ? null : HostArrays.floatMatrix(hiddenStates);
            float[][] routeRows = routeLogits == null ? null : HostArrays.floatMatrix(routeLogits);
            for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                valid[r][0] = 1;
                nextPos[r][0] = row.nextPosition++;
                if (row.done) {
                    nextIds[r][0] = config.padTokenId();
                    continue;
                }
                Rng rng = row.rng;
                StepSampler.Sample sample = sampler.sample(r, rng, topK, policy.softInput().renormalise());
                int token = sample.token();
                double tokenLp = sample.logProb();
                boolean forcedHard = row.marker.seen();
                int route;
                double routeLp = 0;
                if (mode == LatentMode.TARPO) {
                    double[] lp = routeLogProbs(routeRows[r], policy.router().temperature());
                    route = forcedHard ? ActionHeadRouter.HARD
                            : config.greedyRouting() ? (lp[1] > lp[0] ? 1 : 0)
                            : (rng.nextDouble() < Math.exp(lp[1]) ? ActionHeadRouter.SOFT : ActionHeadRouter.HARD);
                    routeLp = lp[route];
                } else {
                    route = mode == LatentMode.HRPO && !forcedHard ? 1 : 0; // hrpo mixes on every reasoning step
                }
                int[] ids = new int[topK];
                float[] weights = new float[topK];
                if (route == 1 && hiddenSoftInputs) {
                    latent[r][0] = hiddenRows[r]; // the state that produced this step is the next input
                    row.latentInputs.add(hiddenRows[r]);
                } else if (route == 1) {
                    for (int k = 0; k < sample.topIds().length; k++) {
                        ids[k] = sample.topIds()[k];
                        weights[k] = (float) sample.topProbs()[k];
                    }
                }
                row.tokens.add(token);
                row.routes.add(route);
                row.softIds.add(ids);
                row.softWeights.add(weights);
                if (hiddenSoftInputs && route == 0) row.latentInputs.add(null);
                row.tokenLogp.add(tokenLp);
                row.routeLogp.add(routeLp);
                if (text != null) row.marker.append(text.token(token));
                if (config.stopTokenIds().contains(token)) {
                    row.done = true;
                    row.stopped = true;
                }
                nextIds[r][0] = token;
                sIds[r][0] = ids;
                sW[r][0] = weights;
                routes[r][0] = route;
            }
            if (t == config.maxCompletionLength() - 1 || rows.stream().allMatch(x -> x.done)) break;
            StepInput step = new StepInput(arrays.track(Nd4j.createFromArray(nextIds)),
                    arrays.track(Nd4j.createFromArray(nextPos)), arrays.track(Nd4j.createFromArray(valid)));
            if (mode.hasSoftInputs()) step = withSoftInputs(step, sIds, sW, latent, routes, arrays);
            out = decoder.forward(step);
            logits = out.logits();
            routeLogits = mode.hasRouter() ? out.extra().get(ActionHeadRouter.LOGITS) : null;
            hiddenStates = hiddenSoftInputs ? out.hidden() : null;
        }
    }

    /**
     * COCONUT's latent segment: each row's last hidden state is fed back as the next input {@code count} times, then
     * the end-of-thought marker; returns the marker's outputs, which score the first language token.
     */
    private StepOutput think(IncrementalDecoder decoder, List<Row> rows, INDArray state, RolloutConfig.ContinuousThoughts t,
                             NativeArrays arrays) {
        int n = rows.size();
        StepOutput out = null;
        for (int j = 0; j <= t.count(); j++) {
            boolean marker = j == t.count();
            int[][] ids = new int[n][1], pos = new int[n][1], valid = new int[n][1];
            float[][] routes = new float[n][1];
            float[][][] latent = new float[n][1][];
            float[][] states = marker ? null : HostArrays.floatMatrix(state);
            for (int r = 0; r < n; r++) {
                ids[r][0] = marker ? t.endId() : config.padTokenId(); // a thought has no token: its input is the state
                pos[r][0] = rows.get(r).nextPosition++;
                valid[r][0] = 1;
                routes[r][0] = marker ? 0 : 1;
                latent[r][0] = marker ? new float[hidden] : states[r];
            }
            out = decoder.forward(withSoftInputs(new StepInput(arrays.track(Nd4j.createFromArray(ids)), arrays.track(Nd4j.createFromArray(pos)),
                    arrays.track(Nd4j.createFromArray(valid))), new int[n][1][topK], new float[n][1][topK], latent, routes, arrays));
            state = out.hidden();
        }
        return out;
    }

    /** log softmax(logits / τ) of the two routes, in double precision. */
    public static double[] routeLogProbs(float[] logits, double temperature) {
        double a = logits[0] / temperature, b = logits[1] / temperature, m = Math.max(a, b);
        double z = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
        return new double[]{a - z, b - z};
    }

    private StepInput withSoftInputs(StepInput in, int[][][] ids, float[][][] weights, float[][][] latent, float[][] routes,
                                     NativeArrays arrays) {
        Map<String, INDArray> extra = new HashMap<>(in.extra());
        if (latentPlaceholders) {
            extra.put(LatentInputMixer.LATENT_INPUTS, arrays.track(Nd4j.createFromArray(latent)));
        } else {
            extra.put(HybridEmbeddingMixer.SOFT_IDS, arrays.track(Nd4j.createFromArray(ids)));
            extra.put(HybridEmbeddingMixer.SOFT_WEIGHTS, arrays.track(Nd4j.createFromArray(weights)));
        }
        extra.put(HybridEmbeddingMixer.ROUTES, arrays.track(Nd4j.createFromArray(routes)));
        return new StepInput(in.inputIds(), in.positionIds(), in.validity(), extra);
    }

    private static INDArray lastPositions(INDArray rowsByTime, int n, int width) {
        int[] idx = new int[n];
        for (int r = 0; r < n; r++) idx[r] = r * width + width - 1;
        return rowsByTime.getRows(idx);
    }
}

package org.tarpo4j.models.generation;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.HostArrays;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.ModelInputs;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.StepOutput;
import org.tarpo4j.models.latent.LatentMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decode loop of every sampler (plain generation, the RL rollout with its routed soft inputs, the benchmark): one
 * prefill of the left-padded prompts, then one KV-cached step per token for all rows together. Per step the logits are
 * copied to the Java side once ({@link StepSampler#load}); each unfinished row draws its token from its own stream
 * (so a row's tokens do not depend on the others), then its route ({@link RouteChoice}), and its next input is the
 * token's embedding or the soft input of the model's {@link ModelInputs}: the top-k of the step's distribution, or the
 * step's own hidden state. Rows that stop are fed padding until every row has stopped or the length is reached.
 * COCONUT's continuous thoughts, when asked for, are fed between the prompt and the first token.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class DecodeLoop {
    /**
     * How tokens are drawn and when a row ends.
     *
     * @param sampling       temperature, top-k, top-p (greedy: the argmax)
     * @param maxNewTokens   tokens per row at most
     * @param stopTokenIds   end a row (and are kept as its last token)
     * @param bannedTokenIds never sampled, and left out of the log-probs
     * @param padTokenId     fed to rows that stopped
     * @param logProbs       compute each token's full-vocabulary log-prob (the rollout's); else {@code NaN}
     */
    public record Settings(SamplingConfig sampling, int maxNewTokens, Set<Integer> stopTokenIds, Set<Integer> bannedTokenIds,
                           int padTokenId, boolean logProbs) {
        public Settings {
            if (maxNewTokens < 0) throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
            stopTokenIds = Set.copyOf(stopTokenIds);
            bannedTokenIds = Set.copyOf(bannedTokenIds);
        }
    }

    /**
     * How a step is routed ({@link RouteChoice#choose}).
     *
     * @param mode        the latent mode
     * @param temperature the router's softmax temperature
     * @param greedy      the router's argmax instead of a sample
     */
    public record Routing(LatentMode mode, double temperature, boolean greedy) {
        /** Every step hard. */
        public static final Routing NONE = new Routing(LatentMode.GRPO, 1.0, false);
    }

    /**
     * COCONUT's latent segment after a prompt that ends with the begin-of-thought token: {@code count} hidden states
     * fed back as inputs, then {@code endId}, whose outputs score the first language token.
     */
    public record Thoughts(int count, int endId) {}

    /** Watches a row's text for the answer marker, after which every route is hard. */
    public interface Marker {
        /** @return whether row {@code id}'s tokens so far contain the marker */
        boolean seen(int id);

        /** Row {@code id} emitted {@code token}. */
        void append(int id, int token);

        /** A marker that never appears. */
        Marker NONE = new Marker() {
            @Override public boolean seen(int id) { return false; }
            @Override public void append(int id, int token) {}
        };
    }

    /** One sequence being decoded: its prompt, its random stream, and what it produced. */
    public static final class Row {
        private final int id;
        private final int[] prompt;
        private final Rng rng;
        private final List<Integer> tokens = new ArrayList<>(), routes = new ArrayList<>();
        private final List<int[]> softIds = new ArrayList<>();
        private final List<float[]> softWeights = new ArrayList<>(), latentInputs = new ArrayList<>();
        private final List<Double> tokenLogProbs = new ArrayList<>(), routeLogProbs = new ArrayList<>(), entropies = new ArrayList<>();
        private boolean stopped;
        private int nextPosition;

        /**
         * @param id     the caller's index of the row (passed to the {@link Marker})
         * @param prompt its prompt ids
         * @param rng    its own random stream
         */
        public Row(int id, int[] prompt, Rng rng) {
            this.id = id;
            this.prompt = prompt;
            this.rng = rng;
        }

        public int id() { return id; }

        public int[] prompt() { return prompt; }

        /** @return the new tokens, the stop token included */
        public int[] tokens() { return tokens.stream().mapToInt(Integer::intValue).toArray(); }

        /** @return each step's route (0 hard, 1 soft) */
        public int[] routes() { return routes.stream().mapToInt(Integer::intValue).toArray(); }

        /** @return each step's soft ids (zeros on a hard step) */
        public int[][] softIds() { return softIds.toArray(new int[0][]); }

        /** @return each step's soft weights (zeros on a hard step) */
        public float[][] softWeights() { return softWeights.toArray(new float[0][]); }

        /** @return each step's latent input (null on a hard step): recorded only for hidden-state soft inputs */
        public float[][] latentInputs() { return latentInputs.toArray(new float[0][]); }

        public double[] tokenLogProbs() { return tokenLogProbs.stream().mapToDouble(Double::doubleValue).toArray(); }

        public double[] routeLogProbs() { return routeLogProbs.stream().mapToDouble(Double::doubleValue).toArray(); }

        /** @return each step's entropy of the token distribution ({@link StepSampler.Sample#entropy}; NaN without log-probs) */
        public double[] tokenEntropies() { return entropies.stream().mapToDouble(Double::doubleValue).toArray(); }

        /** @return whether a stop token ended the row (else the length did) */
        public boolean stopped() { return stopped; }

        public int length() { return tokens.size(); }
    }

    private final ModelInputs inputs;
    private final Routing routing;
    private final Settings settings;
    private final Thoughts thoughts;
    private final Marker marker;
    private final int vocab;
    private final boolean routerLogits, hiddenSoftInputs;

    /**
     * @param inputs   what the model takes besides tokens (its soft inputs)
     * @param routing  how steps are routed
     * @param settings sampling, length, stop, banned and pad ids
     * @param thoughts COCONUT's thoughts, or null
     * @param marker   the answer marker's watch ({@link Marker#NONE} for none)
     * @param vocab    the vocabulary size
     */
    public DecodeLoop(ModelInputs inputs, Routing routing, Settings settings, Thoughts thoughts, Marker marker, int vocab) {
        this.inputs = inputs;
        this.routing = routing;
        this.settings = settings;
        this.thoughts = thoughts;
        this.marker = marker;
        this.vocab = vocab;
        this.routerLogits = routing.mode().hasRouter();
        this.hiddenSoftInputs = inputs.latentVectors() && routing.mode() == LatentMode.TARPO;
        if (thoughts != null && !inputs.latentVectors()) throw new IllegalArgumentException("continuous thoughts need latent-vector inputs");
    }

    /** Decodes {@code rows} together with {@code decoder} (an empty cache for {@code rows.size()} rows). */
    public void run(IncrementalDecoder decoder, List<Row> rows) {
        if (settings.maxNewTokens() == 0 || rows.isEmpty()) return;
        try (NativeArrays arrays = new NativeArrays()) {
            decode(decoder, rows, arrays);
        }
    }

    private void decode(IncrementalDecoder decoder, List<Row> rows, NativeArrays arrays) {
        List<int[]> prompts = new ArrayList<>();
        for (Row row : rows) prompts.add(row.prompt);
        PromptBatch batch = new PromptBatch(prompts, settings.padTokenId());
        int n = batch.rows(), topK = inputs.topK();
        for (int r = 0; r < n; r++) rows.get(r).nextPosition = batch.length(r);
        StepSampler sampler = new StepSampler(settings.sampling(), vocab, settings.bannedTokenIds());

        StepInput prefill = batch.toStepInput();
        arrays.track(prefill.inputIds());
        arrays.track(prefill.positionIds());
        arrays.track(prefill.validity());
        StepOutput out = decoder.forward(with(prefill, inputs.hard(n, batch.width(), arrays)));
        if (thoughts != null) out = think(decoder, rows, arrays.track(lastPositions(out.hidden(), n, batch.width())), arrays);
        int width = thoughts == null ? batch.width() : 1; // after thoughts, the outputs are of the end marker alone
        INDArray logits = arrays.track(lastPositions(out.logits(), n, width));
        INDArray routes = routerLogits ? arrays.track(lastPositions(out.extra().get(ActionHeadRouter.LOGITS), n, width)) : null;
        INDArray hiddenStates = hiddenSoftInputs ? arrays.track(lastPositions(out.hidden(), n, width)) : null;

        for (int t = 0; t < settings.maxNewTokens(); t++) {
            int[][] nextIds = new int[n][1], nextPos = new int[n][1], valid = new int[n][1];
            int[][][] sIds = new int[n][1][topK];
            float[][][] sW = new float[n][1][topK];
            float[][] route = new float[n][1];
            float[][][] latent = new float[n][1][inputs.latentVectors() ? inputs.hidden() : 0];
            sampler.load(logits);
            float[][] hiddenRows = hiddenStates == null ? null : HostArrays.floatMatrix(hiddenStates);
            float[][] routeRows = routes == null ? null : HostArrays.floatMatrix(routes);
            for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                valid[r][0] = 1;
                nextPos[r][0] = row.nextPosition++;
                if (row.stopped) {
                    nextIds[r][0] = settings.padTokenId();
                    continue;
                }
                StepSampler.Sample sample = sampler.sample(r, row.rng, topK, inputs.renormalise(), settings.logProbs());
                int token = sample.token();
                RouteChoice choice = RouteChoice.choose(routing.mode(), routeRows == null ? null : routeRows[r],
                        routing.temperature(), marker.seen(row.id), routing.greedy(), row.rng);
                int[] ids = new int[topK];
                float[] weights = new float[topK];
                if (choice.soft() && hiddenSoftInputs) {
                    latent[r][0] = hiddenRows[r]; // the state that produced this step is the next input
                } else if (choice.soft()) {
                    for (int k = 0; k < sample.topIds().length; k++) {
                        ids[k] = sample.topIds()[k];
                        weights[k] = (float) sample.topProbs()[k];
                    }
                }
                row.tokens.add(token);
                row.routes.add(choice.route());
                row.softIds.add(ids);
                row.softWeights.add(weights);
                if (hiddenSoftInputs) row.latentInputs.add(choice.soft() ? hiddenRows[r] : null);
                row.tokenLogProbs.add(sample.logProb());
                row.entropies.add(sample.entropy());
                row.routeLogProbs.add(choice.logProb());
                marker.append(row.id, token);
                if (settings.stopTokenIds().contains(token)) row.stopped = true;
                nextIds[r][0] = token;
                sIds[r][0] = ids;
                sW[r][0] = weights;
                route[r][0] = choice.route();
            }
            if (t == settings.maxNewTokens() - 1 || rows.stream().allMatch(x -> x.stopped)) break;
            StepInput step = new StepInput(arrays.track(Nd4j.createFromArray(nextIds)),
                    arrays.track(Nd4j.createFromArray(nextPos)), arrays.track(Nd4j.createFromArray(valid)));
            out = decoder.forward(with(step, inputs.step(sIds, sW, latent, route, arrays)));
            logits = out.logits();
            routes = routerLogits ? out.extra().get(ActionHeadRouter.LOGITS) : null;
            hiddenStates = hiddenSoftInputs ? out.hidden() : null;
        }
    }

    /**
     * COCONUT's latent segment: each row's last hidden state is fed back as the next input {@code count} times, then
     * the end-of-thought marker; returns the marker's outputs, which score the first language token.
     */
    private StepOutput think(IncrementalDecoder decoder, List<Row> rows, INDArray state, NativeArrays arrays) {
        int n = rows.size(), topK = inputs.topK();
        StepOutput out = null;
        for (int j = 0; j <= thoughts.count(); j++) {
            boolean end = j == thoughts.count();
            int[][] ids = new int[n][1], pos = new int[n][1], valid = new int[n][1];
            float[][] routes = new float[n][1];
            float[][][] latent = new float[n][1][];
            float[][] states = end ? null : HostArrays.floatMatrix(state);
            for (int r = 0; r < n; r++) {
                ids[r][0] = end ? thoughts.endId() : settings.padTokenId(); // a thought has no token: its input is the state
                pos[r][0] = rows.get(r).nextPosition++;
                valid[r][0] = 1;
                routes[r][0] = end ? 0 : 1;
                latent[r][0] = end ? new float[inputs.hidden()] : states[r];
            }
            StepInput step = new StepInput(arrays.track(Nd4j.createFromArray(ids)), arrays.track(Nd4j.createFromArray(pos)),
                    arrays.track(Nd4j.createFromArray(valid)));
            out = decoder.forward(with(step, inputs.step(new int[n][1][topK], new float[n][1][topK], latent, routes, arrays)));
            state = out.hidden();
        }
        return out;
    }

    private static StepInput with(StepInput in, Map<String, INDArray> extra) {
        return extra.isEmpty() ? in : new StepInput(in.inputIds(), in.positionIds(), in.validity(), extra);
    }

    /**
     * Rows {@code r·width + width - 1} of {@code [B·width, ·]} outputs: each row's last position, as a fresh array.
     * A {@code gather} into an array made here, not {@code getRows}: M2.1's {@code pullRows} leaves one tensor-offset
     * buffer of all {@code B·width} rows per row it pulls to the garbage collector (measured: 128 buffers of 17 KB per
     * call for 128 rows of 17 positions, 4.5 MB a TARPO step of the embedded task).
     */
    static INDArray lastPositions(INDArray rowsByTime, int n, int width) {
        int[] idx = new int[n];
        for (int r = 0; r < n; r++) idx[r] = r * width + width - 1;
        INDArray out = Nd4j.create(rowsByTime.dataType(), n, rowsByTime.size(1));
        try (INDArray rows = Nd4j.createFromArray(idx)) {
            Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(rowsByTime, rows).addOutputs(out).addIntegerArguments(0).build());
        }
        return out;
    }
}

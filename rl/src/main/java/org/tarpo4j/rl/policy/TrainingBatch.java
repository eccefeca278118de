package org.tarpo4j.rl.policy;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.training.TokenLogProbs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prompts and their completions laid out for one teacher-forced pass: prompts left-padded to width P, completions
 * right-padded to L, so column {@code P + t} holds step t's token v_t with its stored input (soft or hard), and
 * column {@code P - 1 + t} holds the outputs that scored v_t and its route d_t.
 *
 * <p>Every array is {@code [n, P + L]}; per-step arrays are aligned with the column whose outputs score the step.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class TrainingBatch {
    public final int rows, promptWidth, width, topK;
    public final int[][] inputIds, positionIds, attentionMask, labels, routeTargets;
    public final int[][][] softIds;
    public final float[][][] softWeights;
    public final float[][][] latentInputs;   // [n][width][d] with hidden-state soft inputs, else null
    public final float[][] routes, completionMask, hardStepMask, oldTokenLogp, oldRouteLogp;

    /** Completions right-padded to the longest of them. */
    public TrainingBatch(List<int[]> prompts, List<Completion> completions, int padId, int topK) {
        this(prompts, completions, padId, topK, 1, Integer.MAX_VALUE);
    }

    /**
     * Completions right-padded so that a row's width is a multiple of {@code multiple} positions, never past
     * {@code maxCompletion} columns ({@link #completionColumns}); the extra columns are padding, masked like any other.
     */
    public TrainingBatch(List<int[]> prompts, List<Completion> completions, int padId, int topK, int multiple, int maxCompletion) {
        if (prompts.size() != completions.size()) throw new IllegalArgumentException("one prompt per completion expected");
        this.rows = completions.size();
        this.topK = topK;
        int p = 0, l = 1;
        for (int[] pr : prompts) p = Math.max(p, pr.length);
        for (Completion c : completions) l = Math.max(l, c.length());
        this.promptWidth = p;
        this.width = p + completionColumns(p, l, multiple, maxCompletion);
        inputIds = new int[rows][width];
        positionIds = new int[rows][width];
        attentionMask = new int[rows][width];
        labels = new int[rows][width];
        routeTargets = new int[rows][width];
        softIds = new int[rows][width][topK];
        softWeights = new float[rows][width][topK];
        int hidden = -1;
        for (Completion c : completions) {
            if (c.latentInputs() == null) continue;
            for (float[] v : c.latentInputs()) if (v != null) hidden = v.length;
        }
        latentInputs = completions.stream().anyMatch(c -> c.latentInputs() != null) ? new float[rows][width][Math.max(hidden, 0)] : null;
        routes = new float[rows][width];
        completionMask = new float[rows][width];
        hardStepMask = new float[rows][width];
        oldTokenLogp = new float[rows][width];
        oldRouteLogp = new float[rows][width];
        for (int r = 0; r < rows; r++) {
            int[] prompt = prompts.get(r);
            Completion c = completions.get(r);
            int start = p - prompt.length;
            for (int j = 0; j < width; j++) inputIds[r][j] = padId;
            for (int j = 0; j < prompt.length; j++) {
                inputIds[r][start + j] = prompt[j];
                attentionMask[r][start + j] = 1;
            }
            for (int t = 0; t < c.length(); t++) {
                int col = p + t;
                inputIds[r][col] = c.tokens()[t];
                attentionMask[r][col] = 1;
                routes[r][col] = c.routes()[t];
                softIds[r][col] = c.softIds()[t].clone();
                softWeights[r][col] = c.softWeights()[t].clone();
                if (latentInputs != null && c.latentInputs() != null && c.latentInputs()[t] != null) {
                    latentInputs[r][col] = c.latentInputs()[t].clone();
                }
                int scoring = col - 1; // the outputs at the previous column sampled v_t and d_t
                labels[r][scoring] = c.tokens()[t];
                routeTargets[r][scoring] = c.routes()[t];
                completionMask[r][scoring] = 1;
                hardStepMask[r][scoring] = c.routes()[t] == 0 ? 1 : 0;
                oldTokenLogp[r][scoring] = (float) c.tokenLogProbs()[t];
                oldRouteLogp[r][scoring] = (float) c.routeLogProbs()[t];
            }
            int pos = 0;
            for (int j = 0; j < width; j++) positionIds[r][j] = attentionMask[r][j] == 1 ? pos++ : 0;
        }
    }

    /**
     * The completion columns of rows with {@code prompt} prompt columns and a longest completion of {@code longest}:
     * the fewest at least {@code longest} that make the width a multiple of {@code multiple}, or {@code max} where that
     * would take more (so the widest rows too meet one width per prompt width). E.g. (17, 33, 8, 64) gives 39, width 56;
     * (20, 62, 8, 64) gives 64.
     */
    public static int completionColumns(int prompt, int longest, int multiple, int max) {
        int padded = (prompt + longest + multiple - 1) / multiple * multiple - prompt;
        return padded <= max ? padded : Math.max(longest, max);
    }

    /** Placeholders of the policy's decoder (empty cache) and of its soft inputs; {@code allHard} zeroes the routes. */
    public Map<String, INDArray> modelInputs(Policy policy, boolean allHard) {
        return modelInputs(policy, allHard, 0, width, null, null);
    }

    /**
     * The same for columns {@code [start, end)} of every row, after the cache of columns {@code [0, start)}: a row
     * too long for one pass is fed in chunks, each attending to the keys and values of the ones before.
     *
     * @param pastKeys per layer {@code [rows, Hkv, start, D]}, or null when {@code start} is 0
     */
    public Map<String, INDArray> modelInputs(Policy policy, boolean allHard, int start, int end, List<INDArray> pastKeys,
                                             List<INDArray> pastValues) {
        DecoderGraph graph = policy.graph();
        boolean softInputs = policy.inputs().soft();
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(DecoderGraph.INPUT_IDS, Nd4j.createFromArray(columns(inputIds, start, end)));
        ph.put(DecoderGraph.POSITION_IDS, Nd4j.createFromArray(columns(positionIds, start, end)));
        ph.put(DecoderGraph.ATTENTION_MASK, Nd4j.createFromArray(columns(attentionMask, 0, end)));
        var c = graph.config();
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            INDArray empty = pastKeys == null ? Nd4j.create(graph.parameters().dtype(), rows, c.numKeyValueHeads(), 0, c.headDim()) : null;
            ph.put(DecoderGraph.pastKey(l), pastKeys == null ? empty : pastKeys.get(l));
            ph.put(DecoderGraph.pastValue(l), pastValues == null ? empty : pastValues.get(l));
        }
        int n = end - start;
        if (policy.inputs().latentVectors()) {
            int d = graph.config().hiddenSize();
            ph.put(org.tarpo4j.layers.tarpo.LatentInputMixer.LATENT_INPUTS,
                    latentInputs == null ? Nd4j.zeros(graph.parameters().dtype(), rows, n, d) : Nd4j.createFromArray(columns(latentInputs, start, end)));
            ph.put(HybridEmbeddingMixer.ROUTES, allHard ? Nd4j.zeros(graph.parameters().dtype(), rows, n) : Nd4j.createFromArray(columns(routes, start, end)));
        } else if (softInputs) {
            ph.put(HybridEmbeddingMixer.SOFT_IDS, Nd4j.createFromArray(columns(softIds, start, end)));
            ph.put(HybridEmbeddingMixer.SOFT_WEIGHTS, Nd4j.createFromArray(columns(softWeights, start, end)));
            ph.put(HybridEmbeddingMixer.ROUTES, allHard ? Nd4j.zeros(graph.parameters().dtype(), rows, n) : Nd4j.createFromArray(columns(routes, start, end)));
        }
        ph.put(TokenLogProbs.LABELS, Nd4j.createFromArray(columns(labels, start, end)));
        return ph;
    }

    /** Columns {@code [start, end)} of every row. */
    public static int[][] columns(int[][] a, int start, int end) {
        if (start == 0 && a.length > 0 && end == a[0].length) return a;
        int[][] out = new int[a.length][];
        for (int r = 0; r < a.length; r++) out[r] = java.util.Arrays.copyOfRange(a[r], start, end);
        return out;
    }

    /** Columns {@code [start, end)} of every row. */
    public static float[][] columns(float[][] a, int start, int end) {
        if (start == 0 && a.length > 0 && end == a[0].length) return a;
        float[][] out = new float[a.length][];
        for (int r = 0; r < a.length; r++) out[r] = java.util.Arrays.copyOfRange(a[r], start, end);
        return out;
    }

    private static int[][][] columns(int[][][] a, int start, int end) {
        if (start == 0 && a.length > 0 && end == a[0].length) return a;
        int[][][] out = new int[a.length][][];
        for (int r = 0; r < a.length; r++) out[r] = java.util.Arrays.copyOfRange(a[r], start, end);
        return out;
    }

    private static float[][][] columns(float[][][] a, int start, int end) {
        if (start == 0 && a.length > 0 && end == a[0].length) return a;
        float[][][] out = new float[a.length][][];
        for (int r = 0; r < a.length; r++) out[r] = java.util.Arrays.copyOfRange(a[r], start, end);
        return out;
    }

    public long completionTokens() {
        long n = 0;
        for (float[] row : completionMask) for (float m : row) n += (long) m;
        return n;
    }
}

package org.tarpo4j.models.latent;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.DecoderStack;
import org.tarpo4j.models.training.TokenLogProbs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * COCONUT's training forward: the prefix (prompt and begin-of-thought marker), then L continuous thoughts, each the
 * previous position's last (normed) hidden state fed back as the next input, then the suffix (end-of-thought marker and
 * the remaining language tokens). The thoughts depend on one another, so the graph runs the decoder layers L + 2 times
 * with the KV cache carried between passes, and the gradient of the suffix's loss flows back through every thought.
 *
 * <p>Batch layout: prefixes left-padded (their last column is real), suffixes right-padded; every row has L thoughts.
 * The loss is the mean next-token cross-entropy over the suffix's language tokens ({@value #LOSS_MASK}).
 */
public final class ContinuousThoughtGraph {
    public static final String PREFIX_IDS = "prefix_ids", PREFIX_POSITIONS = "prefix_positions", PREFIX_MASK = "prefix_mask";
    /** FLOAT {@code [B, P]}: 1 at each row's last prefix position (the one whose hidden state is the first thought). */
    public static final String PREFIX_LAST = "prefix_last";
    public static final String THOUGHT_POSITIONS = "thought_positions";
    public static final String SUFFIX_IDS = "suffix_ids", SUFFIX_POSITIONS = "suffix_positions", SUFFIX_MASK = "suffix_mask";
    public static final String LABELS = "suffix_labels", LOSS_MASK = "suffix_loss_mask";
    /** FLOAT {@code [B, Hkv, 0, D]}: the empty cache the first pass extends. */
    public static final String EMPTY_CACHE = "empty_cache";
    public static final String LOSS = "coconut_loss";
    public static final String SUFFIX_TOKEN_LOGP = "suffix_token_logp";

    private final Graph graph;
    private final ModelConfig config;
    private final int thoughts;

    private ContinuousThoughtGraph(Graph graph, ModelConfig config, int thoughts) {
        this.graph = graph;
        this.config = config;
        this.thoughts = thoughts;
    }

    /** A graph for exactly {@code thoughts} continuous thoughts, on the given parameters (shared, not copied). */
    public static ContinuousThoughtGraph build(ModelConfig config, Parameters parameters, DecoderOptions options, int thoughts,
                                               Set<Integer> bannedIds) {
        Graph graph = Graph.create(parameters, options::trains);
        SameDiff sd = graph.sd();
        DataType dt = parameters.dtype();
        int d = config.hiddenSize();
        DecoderStack stack = new DecoderStack(graph, config, options);

        SDVariable prefixIds = sd.placeHolder(PREFIX_IDS, DataType.INT32, -1, -1);
        SDVariable prefixMask = sd.placeHolder(PREFIX_MASK, DataType.INT32, -1, -1);
        SDVariable thoughtPositions = sd.placeHolder(THOUGHT_POSITIONS, DataType.INT32, -1, thoughts);
        SDVariable suffixIds = sd.placeHolder(SUFFIX_IDS, DataType.INT32, -1, -1);
        SDVariable suffixMask = sd.placeHolder(SUFFIX_MASK, DataType.INT32, -1, -1);
        SDVariable empty = sd.placeHolder(EMPTY_CACHE, dt, -1, config.numKeyValueHeads(), 0, config.headDim());
        List<SDVariable> keys = new ArrayList<>(), values = new ArrayList<>();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            keys.add(empty);
            values.add(empty);
        }

        // pass 0: the prefix; its last hidden state is the first thought
        DecoderStack.Pass pass = stack.forward(stack.embedding().lookup(prefixIds), sd.shape(prefixIds).castTo(DataType.LONG),
                sd.placeHolder(PREFIX_POSITIONS, DataType.INT32, -1, -1), prefixMask, keys, values, null);
        SDVariable last = sd.expandDims(sd.placeHolder(PREFIX_LAST, dt, -1, -1), 2);                  // [B, P, 1]
        SDVariable prefixShape = sd.concat(0, sd.shape(prefixIds).castTo(DataType.LONG), sd.constant(Nd4j.createFromArray((long) d)));
        SDVariable thought = pass.hidden().reshape(prefixShape).mul(last).sum(1);                    // [B, d]
        SDVariable mask = prefixMask;
        // thought passes: one position each, the input being the previous state itself (no token, no embedding)
        SDVariable oneStep = sd.shape(prefixIds).castTo(DataType.LONG).mul(sd.constant(Nd4j.createFromArray(1L, 0L)))
                .add(sd.constant(Nd4j.createFromArray(0L, 1L)));                                      // [B, 1]
        for (int j = 0; j < thoughts; j++) {
            SDVariable column = thoughtPositions.get(SDIndex.all(), SDIndex.interval(j, j + 1));       // [B, 1]
            mask = sd.concat(1, mask, sd.onesLike(column));
            pass = stack.forward(thought, oneStep, column, mask, pass.keys(), pass.values(), null);
            thought = sd.identity("thought_" + j, pass.hidden());                                     // [B, d]
        }
        // the suffix: end-of-thought marker and the language tokens the loss is on
        mask = sd.concat(1, mask, suffixMask);
        pass = stack.forward(stack.embedding().lookup(suffixIds), sd.shape(suffixIds).castTo(DataType.LONG),
                sd.placeHolder(SUFFIX_POSITIONS, DataType.INT32, -1, -1), mask, pass.keys(), pass.values(), null);
        stack.logits("suffix_logits", pass.hidden());                                   // [B·U, V], for inspection
        SDVariable labels = sd.reshape(sd.placeHolder(LABELS, DataType.INT32, -1, -1), -1);
        TokenLogProbs.Outputs lp = TokenLogProbs.compute(graph, pass.hidden(), stack.lmHead(), labels,
                config.vocabSize(), 1.0, bannedIds, SUFFIX_TOKEN_LOGP, "suffix_token_entropy");
        SDVariable lossMask = sd.reshape(sd.placeHolder(LOSS_MASK, dt, -1, -1), -1);
        lp.logp().mul(lossMask).sum().neg().div(lossMask.sum().add(1e-9)).rename(LOSS);
        return new ContinuousThoughtGraph(graph, config, thoughts);
    }

    public Graph graph() { return graph; }

    public int thoughts() { return thoughts; }

    /** One training example: the prefix ends with the begin-of-thought marker, the suffix starts with the end marker. */
    public record Example(int[] prefix, int[] suffix) {
        public Example {
            if (prefix.length == 0 || suffix.length < 2) throw new IllegalArgumentException("prefix needs a token, suffix two");
        }
    }

    /** The placeholders of a batch; every row gets {@link #thoughts()} thoughts. */
    public Map<String, INDArray> inputs(List<Example> batch, int padId) {
        int b = batch.size(), p = 0, u = 0;
        for (Example e : batch) {
            p = Math.max(p, e.prefix().length);
            u = Math.max(u, e.suffix().length);
        }
        int[][] prefixIds = new int[b][p], prefixPos = new int[b][p], prefixMask = new int[b][p], thoughtPos = new int[b][thoughts];
        int[][] suffixIds = new int[b][u], suffixPos = new int[b][u], suffixMask = new int[b][u], labels = new int[b][u];
        float[][] last = new float[b][p], lossMask = new float[b][u];
        for (int r = 0; r < b; r++) {
            Example e = batch.get(r);
            int pad = p - e.prefix().length, n = e.prefix().length;
            for (int c = 0; c < p; c++) {
                boolean real = c >= pad;
                prefixIds[r][c] = real ? e.prefix()[c - pad] : padId;
                prefixMask[r][c] = real ? 1 : 0;
                prefixPos[r][c] = real ? c - pad : 0;
            }
            last[r][p - 1] = 1;
            for (int j = 0; j < thoughts; j++) thoughtPos[r][j] = n + j;
            for (int c = 0; c < u; c++) {
                boolean real = c < e.suffix().length;
                suffixIds[r][c] = real ? e.suffix()[c] : padId;
                suffixMask[r][c] = real ? 1 : 0;
                suffixPos[r][c] = real ? n + thoughts + c : 0;
                if (c + 1 < e.suffix().length) {
                    labels[r][c] = e.suffix()[c + 1];
                    lossMask[r][c] = 1;
                }
            }
        }
        DataType dt = graph.dtype();
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(PREFIX_IDS, Nd4j.createFromArray(prefixIds));
        ph.put(PREFIX_POSITIONS, Nd4j.createFromArray(prefixPos));
        ph.put(PREFIX_MASK, Nd4j.createFromArray(prefixMask));
        ph.put(PREFIX_LAST, Nd4j.createFromArray(last).castTo(dt));
        if (thoughts > 0) ph.put(THOUGHT_POSITIONS, Nd4j.createFromArray(thoughtPos));
        ph.put(SUFFIX_IDS, Nd4j.createFromArray(suffixIds));
        ph.put(SUFFIX_POSITIONS, Nd4j.createFromArray(suffixPos));
        ph.put(SUFFIX_MASK, Nd4j.createFromArray(suffixMask));
        ph.put(LABELS, Nd4j.createFromArray(labels));
        ph.put(LOSS_MASK, Nd4j.createFromArray(lossMask).castTo(dt));
        ph.put(EMPTY_CACHE, Nd4j.create(dt, b, config.numKeyValueHeads(), 0, config.headDim()));
        return ph;
    }
}

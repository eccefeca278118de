package org.tarpo4j.models.decoder;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.config.ModelConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Qwen2 / Llama decoder as one SameDiff graph that serves the full-sequence forward (training, prefill) and the
 * KV-cached decode step alike: the cache inputs are simply empty ({@code [B, Hkv, 0, D]}) when there is none.
 *
 * <p>Inputs (placeholders), Hugging Face names and semantics:
 * <ul>
 *   <li>{@value #INPUT_IDS} INT32 {@code [B, T]}: the new tokens</li>
 *   <li>{@value #POSITION_IDS} INT32 {@code [B, T]}: their positions, {@code cumsum(attention_mask) - 1} with left padding</li>
 *   <li>{@value #ATTENTION_MASK} INT32 {@code [B, P + T]}: 1 for real tokens, 0 for padding, cached positions first</li>
 *   <li>{@code past_key_values.{l}.key|value} FLOAT {@code [B, Hkv, P, D]}: the cache, P ≥ 0</li>
 * </ul>
 * Outputs: {@value #LOGITS} {@code [B·T, vocab]}, {@value #HIDDEN_STATES} {@code [B·T, hidden]} (after the final norm),
 * {@code present.{l}.key|value} {@code [B, Hkv, P + T, D]}. Rows of the 2-D outputs are in (batch, time) order.
 * Variable names are the Hugging Face tensor names, so checkpoints map onto the graph one to one.
 */
public final class DecoderGraph {
    public static final String INPUT_IDS = "input_ids";
    public static final String POSITION_IDS = "position_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LOGITS = "logits";
    public static final String HIDDEN_STATES = "hidden_states";

    public static String pastKey(int layer) { return "past_key_values." + layer + ".key"; }
    public static String pastValue(int layer) { return "past_key_values." + layer + ".value"; }
    public static String presentKey(int layer) { return "present." + layer + ".key"; }
    public static String presentValue(int layer) { return "present." + layer + ".value"; }

    private final ModelConfig config;
    private final DecoderOptions options;
    private final Graph graph;
    private final DecoderStack stack;

    private DecoderGraph(ModelConfig config, DecoderOptions options, Graph graph, DecoderStack stack) {
        this.config = config;
        this.options = options;
        this.graph = graph;
        this.stack = stack;
    }

    /** The layers, for graphs that apply them again (their parameters are this graph's). */
    public DecoderStack stack() { return stack; }

    /** The output head's weight {@code [vocab, hidden]} ({@value #LOGITS} = {@value #HIDDEN_STATES} · headᵀ). */
    public SDVariable lmHead() { return stack.lmHead(); }

    /** Builds the graph on the given parameters (stored arrays are used by reference; missing ones are initialised). */
    public static DecoderGraph build(ModelConfig config, Parameters parameters, DecoderOptions options) {
        Graph graph = Graph.create(parameters, options::trains);
        SameDiff sd = graph.sd();
        DataType dt = parameters.dtype();
        int kv = config.numKeyValueHeads(), hd = config.headDim();

        SDVariable inputIds = sd.placeHolder(INPUT_IDS, DataType.INT32, -1, -1);
        SDVariable positionIds = sd.placeHolder(POSITION_IDS, DataType.INT32, -1, -1);
        SDVariable attentionMask = sd.placeHolder(ATTENTION_MASK, DataType.INT32, -1, -1);
        DecoderStack stack = new DecoderStack(graph, config, options);
        SDVariable x = options.inputs().layer().embed(graph, stack.embedding(), inputIds);         // [B·T, d]

        List<SDVariable> pastKeys = new ArrayList<>(), pastValues = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            pastKeys.add(sd.placeHolder(pastKey(l), dt, -1, kv, -1, hd));
            pastValues.add(sd.placeHolder(pastValue(l), dt, -1, kv, -1, hd));
            present.add(presentKey(l));
            present.add(presentValue(l));
        }
        DecoderStack.Pass pass = stack.forward(x, sd.shape(inputIds).castTo(DataType.LONG), positionIds, attentionMask,
                pastKeys, pastValues, present);
        SDVariable hidden = sd.identity(HIDDEN_STATES, pass.hidden());
        stack.logits(LOGITS, hidden);                                                           // [B·T, V]
        for (HiddenStateHead h : options.heads()) h.attach(graph, hidden);
        return new DecoderGraph(config, options, graph, stack);
    }

    public ModelConfig config() { return config; }

    public DecoderOptions options() { return options; }

    public Graph graph() { return graph; }

    public SameDiff sd() { return graph.sd(); }

    /**
     * The placeholders of a forward over whole sequences (no cache): ids, positions and mask, and every layer's cache
     * empty. Further inputs (an input layer's, labels) are the caller's to add.
     *
     * @param ids       {@code [B][T]} token ids
     * @param positions {@code [B][T]} their positions
     * @param mask      {@code [B][T]}: 1 for real tokens, 0 for padding
     * @return a mutable map
     */
    public Map<String, INDArray> sequenceInputs(int[][] ids, int[][] positions, int[][] mask) {
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(INPUT_IDS, Nd4j.createFromArray(ids));
        ph.put(POSITION_IDS, Nd4j.createFromArray(positions));
        ph.put(ATTENTION_MASK, Nd4j.createFromArray(mask));
        INDArray empty = Nd4j.create(parameters().dtype(), ids.length, config.numKeyValueHeads(), 0, config.headDim());
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            ph.put(pastKey(l), empty);
            ph.put(pastValue(l), empty);
        }
        return ph;
    }

    public Parameters parameters() { return graph.parameters(); }
}

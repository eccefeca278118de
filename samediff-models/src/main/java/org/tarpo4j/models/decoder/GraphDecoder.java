package org.tarpo4j.models.decoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference {@link IncrementalDecoder}: each call is one execution of the {@link DecoderGraph}, with the cache
 * fed back as {@code past_key_values} (it grows by concatenation).
 */
public final class GraphDecoder implements IncrementalDecoder {
    private final DecoderGraph model;
    private final List<String> extraOutputs;
    private final INDArray[] keys, values;
    private INDArray attentionMask;

    /** @param extraOutputs graph outputs to return besides logits and hidden states (e.g. router logits) */
    public GraphDecoder(DecoderGraph model, int batch, List<String> extraOutputs) {
        this.model = model;
        this.extraOutputs = List.copyOf(extraOutputs);
        int layers = model.config().numHiddenLayers();
        keys = new INDArray[layers];
        values = new INDArray[layers];
        DataType dt = model.parameters().dtype();
        for (int l = 0; l < layers; l++) {
            keys[l] = Nd4j.create(dt, batch, model.config().numKeyValueHeads(), 0, model.config().headDim());
            values[l] = keys[l];
        }
        attentionMask = Nd4j.create(DataType.INT32, batch, 0);
    }

    @Override
    public StepOutput forward(StepInput in) {
        int layers = keys.length;
        INDArray mask = Nd4j.concat(1, attentionMask, in.validity().castTo(DataType.INT32));
        Map<String, INDArray> ph = new HashMap<>(in.extra());
        ph.put(DecoderGraph.INPUT_IDS, in.inputIds().castTo(DataType.INT32));
        ph.put(DecoderGraph.POSITION_IDS, in.positionIds().castTo(DataType.INT32));
        ph.put(DecoderGraph.ATTENTION_MASK, mask);
        List<String> outputs = new ArrayList<>(List.of(DecoderGraph.LOGITS, DecoderGraph.HIDDEN_STATES));
        for (int l = 0; l < layers; l++) {
            ph.put(DecoderGraph.pastKey(l), keys[l]);
            ph.put(DecoderGraph.pastValue(l), values[l]);
            outputs.add(DecoderGraph.presentKey(l));
            outputs.add(DecoderGraph.presentValue(l));
        }
        outputs.addAll(extraOutputs);
        Map<String, INDArray> out = model.sd().output(ph, outputs);
        for (int l = 0; l < layers; l++) {
            // detached: the session may reuse its arrays on the next call
            keys[l] = out.get(DecoderGraph.presentKey(l)).dup();
            values[l] = out.get(DecoderGraph.presentValue(l)).dup();
        }
        attentionMask = mask;
        Map<String, INDArray> extra = new LinkedHashMap<>();
        for (String name : extraOutputs) extra.put(name, out.get(name).dup());
        return new StepOutput(out.get(DecoderGraph.LOGITS).dup(), out.get(DecoderGraph.HIDDEN_STATES).dup(), extra);
    }

    @Override
    public long cachedLength() { return attentionMask.size(1); }
}

package org.tarpo4j.models.decoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.GraphRun;
import org.tarpo4j.layers.core.NativeArrays;

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
    private final NativeArrays lastOutputs = new NativeArrays();  // released by the next call

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
        Map<String, INDArray> out = GraphRun.outputs(model.sd(), ph, outputs); // copies: the session reuses its arrays
        lastOutputs.close(); // only now: the input may hold one of them (a hidden state fed back)
        for (int l = 0; l < layers; l++) {
            if (keys[l] != values[l]) NativeArrays.close(values[l]);
            NativeArrays.close(keys[l]);
            keys[l] = out.get(DecoderGraph.presentKey(l));
            values[l] = out.get(DecoderGraph.presentValue(l));
        }
        NativeArrays.close(attentionMask);
        attentionMask = mask;
        Map<String, INDArray> extra = new LinkedHashMap<>();
        for (String name : extraOutputs) extra.put(name, lastOutputs.track(out.get(name)));
        return new StepOutput(lastOutputs.track(out.get(DecoderGraph.LOGITS)), lastOutputs.track(out.get(DecoderGraph.HIDDEN_STATES)), extra);
    }

    @Override
    public long cachedLength() { return attentionMask.size(1); }

    @Override
    public void close() {
        lastOutputs.close();
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != values[l]) NativeArrays.close(values[l]);
            NativeArrays.close(keys[l]);
        }
        NativeArrays.close(attentionMask);
    }
}

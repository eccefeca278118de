package org.tarpo4j.layers.core;

import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.FrameIter;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.AbstractSession.VarId;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A SameDiff session that returns hundreds of outputs at the cost of one.
 *
 * <p>Why: M2.1's {@code AbstractSession.output} checks each requested name against {@code SameDiff.variableMap()},
 * which copies the whole variable table per name. A LoRA step asks for ~340 gradients of a backward graph with
 * thousands of variables: measured ~0.2 s of Java a step at the 0.5B shape (JFR), a tenth of the step.
 *
 * <p>How: only the first name goes through that check; the others are passed as the session's "required activations"
 * (executed, not checked) and treated as requested outputs everywhere the session decides what to keep (an output is
 * never released mid-pass), then read from the session's values when the pass ends. Same ops, same arrays.
 */
final class ManyOutputSession extends InferenceSession {
    private Set<String> extra = Set.of();     // outputs beyond the checked one, during a call of outputs()
    private Set<String> requested = Set.of(); // every output of that call

    ManyOutputSession(SameDiff graph) {
        super(graph);
    }

    /**
     * The named outputs of one pass of {@code graph} on this thread's session, arrays owned by the session (as
     * {@code SameDiff.output}'s). Listeners of the graph are called as by {@code SameDiff.output}.
     */
    static Map<String, INDArray> outputs(SameDiff graph, Map<String, INDArray> placeholders, List<String> names) {
        var session = graph.getSessions().get(Thread.currentThread().getId());
        if (!(session instanceof ManyOutputSession many) || names.size() < 2) {
            return arrays(graph.output(placeholders, Map.of(), null, names.toArray(new String[0])));
        }
        many.extra = new LinkedHashSet<>(names.subList(1, names.size()));
        many.requested = new LinkedHashSet<>(names);
        try {
            Map<String, INDArray> out = arrays(graph.output(placeholders, Map.of(), null, names.get(0)));
            for (String name : many.extra) out.put(name, many.get(name, OUTER_FRAME, 0, null).getTensorValue());
            return out;
        } finally {
            many.extra = Set.of();
            many.requested = Set.of();
        }
    }

    private static Map<String, INDArray> arrays(ExecutionResult result) {
        Map<String, INDArray> out = new HashMap<>();
        if (result.hasValues()) result.getValueOutputs().forEach((k, v) -> out.put(k, v.getTensorValue()));
        else out.putAll(ExecutionResult.unpack(result.getOutputs()));
        return out;
    }

    @Override
    public ExecutionResult output(List<String> variables, Map<String, INDArray> placeholderValues,
                                  Map<String, SDValue> otherPlaceHolderValues, MultiDataSet batch,
                                  Collection<String> requiredActivations, List<Listener> listeners, At at) {
        if (extra.isEmpty()) {
            return super.output(variables, placeholderValues, otherPlaceHolderValues, batch, requiredActivations, listeners, at);
        }
        List<String> required = new ArrayList<>(requiredActivations == null ? List.of() : requiredActivations);
        required.addAll(extra);
        return super.output(variables, placeholderValues, otherPlaceHolderValues, batch, required, listeners, at);
    }

    // the two places the session asks "is this a requested output?" (allocation as an output, never released mid-pass)

    @Override
    public Pair<SameDiffOp, OpContext> getAndParameterizeOp(String opName, FrameIter frameIter, Set<VarId> opInputs,
                                                           Set<VarId> allIterInputs, Set<String> constAndPhInputs,
                                                           Map<String, INDArray> placeholderValues,
                                                           Set<String> allReqVariables, Map<String, SDValue> otherPlaceholders) {
        return super.getAndParameterizeOp(opName, frameIter, opInputs, allIterInputs, constAndPhInputs, placeholderValues,
                extra.isEmpty() ? allReqVariables : requested, otherPlaceholders);
    }

    @Override
    public ExecutionResult getOutputs(Pair<SameDiffOp, OpContext> opPair, FrameIter outputFrameIter, Set<VarId> opInputs,
                                      Set<VarId> allIterInputs, Set<String> constAndPhInputs, List<Listener> listeners,
                                      At at, MultiDataSet batch, Set<String> allReqVariables,
                                      Map<String, SDValue> otherPlaceHolders) {
        return super.getOutputs(opPair, outputFrameIter, opInputs, allIterInputs, constAndPhInputs, listeners, at, batch,
                extra.isEmpty() ? allReqVariables : requested, otherPlaceHolders);
    }
}

package org.tarpo4j.layers.core;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gradients of a graph's loss variable, including the ones SameDiff cannot derive ({@link ScatterGradient}).
 * Every gradient and output is a fresh array owned by the caller (the session's own arrays are reused by the next
 * call, see {@link RecyclingMemory}).
 */
public final class Gradients {
    private Gradients() {}

    /**
     * Outputs requested alongside the gradients, and the gradient of every requested parameter (same shape).
     *
     * @param outputs   by name, each a fresh array
     * @param gradients by parameter name, each a fresh array shaped as its parameter
     */
    public record Result(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {}

    /**
     * One forward and backward pass.
     *
     * @param graph        the graph (its scatter rules complete the gradients of lookup tables)
     * @param loss         the scalar to differentiate; a graph keeps one loss (SameDiff builds its backward once)
     * @param placeholders every placeholder the loss and the outputs need
     * @param outputs      variables to return alongside (e.g. per-token log-probs for metrics); may be empty
     * @param parameters   trainable variables whose gradients are wanted (frozen ones are simply not listed)
     * @return the outputs and a gradient for every listed parameter (zeros where the loss does not depend on it)
     */
    public static Result compute(Graph graph, String loss, Map<String, INDArray> placeholders, Collection<String> outputs,
                                 Collection<String> parameters) {
        Map<String, INDArray> grads = new LinkedHashMap<>();
        Map<String, INDArray> outs = accumulate(graph, loss, placeholders, outputs, parameters, grads);
        return new Result(outs, grads);
    }

    /**
     * One forward and backward pass whose gradients are added into {@code sums} (an entry is created, as a fresh
     * array, for a parameter it lacks): micro-batches accumulate without a copy of each pass's gradients.
     *
     * @param graph        the graph
     * @param loss         the scalar to differentiate
     * @param placeholders every placeholder the loss and the outputs need
     * @param outputs      variables to return alongside; may be empty
     * @param parameters   trainable variables whose gradients are added
     * @param sums         the running sums by parameter name, updated in place
     * @return the requested outputs, each a fresh array
     */
    public static Map<String, INDArray> accumulate(Graph graph, String loss, Map<String, INDArray> placeholders,
                                                   Collection<String> outputs, Collection<String> parameters,
                                                   Map<String, INDArray> sums) {
        return accumulate(graph, loss, placeholders, outputs, parameters, sums, List.of()).outputs();
    }

    /**
     * A pass's outputs, and the gradients of the loss with respect to some of its inputs.
     *
     * @param outputs        requested outputs, each a fresh array
     * @param inputGradients by placeholder name, each a fresh array shaped as the input
     */
    public record Pass(Map<String, INDArray> outputs, Map<String, INDArray> inputGradients) {}

    /**
     * As {@link #accumulate(Graph, String, Map, Collection, Collection, Map)}, also returning the loss's gradient with
     * respect to the placeholders {@code inputs} (e.g. a KV cache that earlier positions produced, whose gradient flows
     * back to them). A graph's gradient function is built once, for the inputs named at its first call: name the same
     * ones every time.
     *
     * @param graph        the graph
     * @param loss         the scalar to differentiate
     * @param placeholders every placeholder the loss and the outputs need
     * @param outputs      variables to return alongside; may be empty
     * @param parameters   trainable variables whose gradients are added
     * @param sums         the running sums by parameter name, updated in place
     * @param inputs       placeholders whose gradients are returned
     * @return the outputs and the input gradients
     */
    public static Pass accumulate(Graph graph, String loss, Map<String, INDArray> placeholders, Collection<String> outputs,
                                  Collection<String> parameters, Map<String, INDArray> sums, Collection<String> inputs) {
        SameDiff sd = graph.sd();
        if (!List.of(loss).equals(sd.getLossVariables())) sd.setLossVariables(loss);
        List<ScatterGradient> rules = graph.scatterGradients().stream()
                .filter(r -> parameters.contains(r.table())).toList();
        Set<String> gradVars = new LinkedHashSet<>();
        for (String p : parameters) {
            // a table reached only through a stop-gradient gather has no SameDiff gradient at all
            if (sd.getVariable(p).getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE && hasGradientPath(sd, p)) {
                gradVars.add(p);
            }
        }
        Set<String> outVars = new LinkedHashSet<>(outputs);
        for (ScatterGradient r : rules) {
            gradVars.add(r.rows());
            outVars.add(r.indices());
        }
        if (!sd.hasGradientFunction()) {
            // the first call builds the backward graph, and M2.1 prints a line per op to System.out while doing so
            String[] wanted = inputs.toArray(new String[0]);
            Quietly.run(() -> sd.createGradFunction(wanted));
        }
        gradVars.addAll(inputs);
        OutAndGrad og = run(sd, placeholders, outVars, gradVars);
        SameDiff gradFn = sd.getFunction("grad");
        for (String p : parameters) {
            INDArray g = og.getGradients().get(p);
            INDArray sum = sums.get(p);
            if (sum == null) {
                INDArray param = sd.getArrForVarName(p);
                // the session's own array becomes the sum when its pool lets it go: no copy of every gradient
                sums.put(p, g == null ? Nd4j.zeros(param.dataType(), param.shape())
                        : RecyclingMemory.handOver(gradFn, g) ? g : g.dup());
            } else if (g != null) {
                sum.addi(g);
            }
        }
        for (ScatterGradient r : rules) {
            INDArray ids = og.getOutputs().get(r.indices()).reshape(-1).castTo(DataType.INT32);
            INDArray rows = og.getGradients().get(r.rows()).dup('c');
            INDArray rowGrad = rows.reshape(ids.length(), -1);
            INDArray target = sums.get(r.table());
            // scatter_add accumulates duplicate ids, which is exactly the gradient of a gather; the ScatterAdd
            // wrapper class returns a new array, so the op is built to write into the gradient in place
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(target, ids, rowGrad).addOutputs(target).build());
            NativeArrays.close(rows);
        }
        Map<String, INDArray> outs = new LinkedHashMap<>();
        for (String o : outputs) outs.put(o, og.getOutputs().get(o).dup());
        Map<String, INDArray> inputGradients = new LinkedHashMap<>();
        for (String in : inputs) {
            INDArray g = og.getGradients().get(in);
            INDArray value = placeholders.get(in);
            inputGradients.put(in, g == null ? Nd4j.zeros(value.dataType(), value.shape()) : g.dup());
        }
        return new Pass(outs, inputGradients);
    }

    /**
     * Done with gradients from {@link #compute} or {@link #accumulate} of {@code graph} (on this thread): each goes back
     * to the pool of the graph's backward pass, where the next pass writes its gradients (no allocation a step), or is
     * closed if it did not come from there.
     *
     * @param graph     the graph whose pass made them
     * @param gradients the caller's gradients, not to be used afterwards
     */
    public static void release(Graph graph, Map<String, INDArray> gradients) {
        SameDiff backward = graph.sd().getFunction("grad");
        for (INDArray g : gradients.values()) {
            if (backward == null || !RecyclingMemory.takeBack(backward, g)) NativeArrays.close(g);
        }
    }

    /**
     * {@code sums += scale · gradients}, taking the gradients over: each is scaled in place and becomes the sum's entry
     * when there is none yet, else is added and closed (for losses that are averages over parts of a batch).
     *
     * @param sums      the running sums by name, updated in place
     * @param gradients a part's gradients, taken over (scaled in place, then kept or closed)
     * @param scale     the part's weight
     */
    public static void addScaled(Map<String, INDArray> sums, Map<String, INDArray> gradients, double scale) {
        gradients.forEach((k, g) -> {
            INDArray previous = sums.putIfAbsent(k, g.muli(scale));
            if (previous != null) {
                previous.addi(g);
                NativeArrays.close(g);
            }
        });
    }

    /**
     * {@code SameDiff.calculateGradientsAndOutputs}, with the session's releases left on: M2.1's own method turns the
     * gradient function's array cache off, and then the session frees nothing before the pass ends, so a step held every
     * activation, every activation gradient and every frozen weight's (unused) gradient at once. With releases on,
     * {@link RecyclingMemory} reuses an array as soon as its last consumer has run. The returned arrays belong to the
     * session until its next call.
     */
    private static OutAndGrad run(SameDiff sd, Map<String, INDArray> placeholders, Set<String> outputs, Set<String> gradientsOf) {
        SameDiff gradFn = sd.getFunction("grad");
        RecyclingMemory.recycle(gradFn); // the previous call's arrays: nothing handed out before refers to them
        gradFn.setEnableCache(true);
        List<String> names = new ArrayList<>(outputs);
        Map<String, String> gradientName = new LinkedHashMap<>();
        for (String v : gradientsOf) {
            SDVariable g = sd.getVariable(v).getGradient();
            if (g == null) continue; // no path from this variable to the loss
            gradientName.put(v, g.name());
            names.add(g.name());
        }
        Map<String, INDArray> arrays = ManyOutputSession.outputs(gradFn, placeholders, List.copyOf(new LinkedHashSet<>(names)));
        Map<String, INDArray> outs = new HashMap<>(), grads = new HashMap<>();
        for (String o : outputs) outs.put(o, arrays.get(o));
        gradientName.forEach((v, g) -> grads.put(v, arrays.get(g)));
        return new OutAndGrad(outs, grads);
    }

    private static boolean hasGradientPath(SameDiff sd, String variable) {
        // ops that consume the variable; a StopGradient consumer contributes nothing
        List<String> consumers = sd.getVariables().get(variable).getInputsForOp();
        if (consumers == null) return false;
        for (String op : consumers) {
            if (!(sd.getOpById(op) instanceof org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient)) return true;
        }
        return false;
    }
}

package org.tarpo4j.layers.core;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A {@link SameDiff} under construction together with what its layers need: the parameter arrays and the
 * gradient rules SameDiff cannot derive itself ({@link ScatterGradient}).
 *
 * <p>Layers are small classes that take a {@code Graph} and add named variables and ops to {@link #sd()}.
 */
public final class Graph {
    private final SameDiff sd;
    private final Parameters parameters;
    private final List<ScatterGradient> scatterGradients = new ArrayList<>();

    public Graph(SameDiff sd, Parameters parameters) {
        this.sd = sd;
        this.parameters = parameters;
    }

    public static Graph create(Parameters parameters) {
        return new Graph(SameDiff.create(), parameters);
    }

    public SameDiff sd() { return sd; }

    public Parameters parameters() { return parameters; }

    public DataType dtype() { return parameters.dtype(); }

    /** A trainable variable named {@code name}, backed by the shared parameter array (created if new). */
    public SDVariable parameter(String name, Init init, long... shape) {
        if (sd.hasVariable(name)) return sd.getVariable(name);
        return sd.var(name, parameters.getOrCreate(name, init, shape));
    }

    /** Blocks the gradient ({@code stopGradient} is not exposed on SameDiff in M2.1). */
    public SDVariable stopGradient(SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }

    public void addScatterGradient(ScatterGradient g) { scatterGradients.add(g); }

    public List<ScatterGradient> scatterGradients() { return Collections.unmodifiableList(scatterGradients); }
}

package org.tarpo4j.layers.core;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link SameDiff} under construction together with what its layers need: the parameter arrays and the
 * gradient rules SameDiff cannot derive itself ({@link ScatterGradient}).
 *
 * <p>Layers are small classes that take a {@code Graph} and add named variables and ops to {@link #sd()}.
 */
public final class Graph {
    private final SameDiff sd;
    private final Parameters parameters;
    private final Predicate<String> trainable;
    private final List<ScatterGradient> scatterGradients = new ArrayList<>();

    /**
     * A graph adding to an existing SameDiff.
     *
     * @param sd         the graph to add to
     * @param parameters the arrays behind its parameters
     * @param trainable  which parameters are trained; the others enter the graph as constants
     */
    public Graph(SameDiff sd, Parameters parameters, Predicate<String> trainable) {
        this.sd = sd;
        this.parameters = parameters;
        this.trainable = trainable;
    }

    /**
     * A graph on a new, empty SameDiff whose every parameter is trainable.
     *
     * @param parameters the arrays behind its trainable variables (FLOAT to run, DOUBLE for gradient checks)
     * @return the graph
     */
    public static Graph create(Parameters parameters) {
        return create(parameters, name -> true);
    }

    /**
     * A new graph over {@code parameters} in which only the parameters {@code trainable} accepts are variables (the
     * others enter as constants: SameDiff keeps no gradient for them).
     *
     * @param parameters the arrays behind the graph's parameters
     * @param trainable  which parameter names train
     * @return the graph
     */
    public static Graph create(Parameters parameters, Predicate<String> trainable) {
        return new Graph(newSameDiff(), parameters, trainable);
    }

    /**
     * A {@link SameDiff} that holds its variables' and constants' arrays by reference. M2.1's default holders keep a
     * second copy of every array "for other devices" (DeviceLocalNDArray's delayed mode), even with one device: every
     * graph built on a model's weights held them twice (a policy and its reference graph, three times).
     *
     * @return an empty graph
     */
    public static SameDiff newSameDiff() {
        SameDiff sd = SameDiff.create();
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        return sd;
    }

    /** @return the SameDiff being built */
    public SameDiff sd() { return sd; }

    /** @return the arrays behind the trainable variables */
    public Parameters parameters() { return parameters; }

    /** @return the floating-point type of the parameters, and of the float placeholders layers declare */
    public DataType dtype() { return parameters.dtype(); }

    /**
     * The parameter named {@code name}, backed by the shared parameter array (created if new): a variable when it is
     * trained, else a constant, for which SameDiff makes no gradient (a frozen weight costs no gradient memory).
     *
     * @param name  the variable's and the parameter's name, e.g. {@code my_layer.weight}
     * @param init  how a new array is filled
     * @param shape the array's shape (a stored array must have it)
     * @return the variable or constant; the same one when asked twice
     */
    public SDVariable parameter(String name, Init init, long... shape) {
        if (sd.hasVariable(name)) return sd.getVariable(name);
        INDArray array = parameters.getOrCreate(name, init, shape);
        return trainable.test(name) ? sd.var(name, array) : sd.constant(name, array);
    }

    /**
     * @param name a parameter's name
     * @return whether the parameter is trained in this graph
     */
    public boolean isTrainable(String name) { return trainable.test(name); }

    /**
     * Blocks the gradient ({@code stopGradient} is not exposed on SameDiff in M2.1).
     *
     * @param x any variable
     * @return {@code x}'s value, through which no gradient flows
     */
    public SDVariable stopGradient(SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }

    /**
     * Registers a gradient SameDiff cannot derive (a lookup's); layers call it, {@link Gradients} applies it.
     *
     * @param g the rule
     */
    public void addScatterGradient(ScatterGradient g) { scatterGradients.add(g); }

    /** @return the rules registered so far, in order */
    public List<ScatterGradient> scatterGradients() { return Collections.unmodifiableList(scatterGradients); }
}

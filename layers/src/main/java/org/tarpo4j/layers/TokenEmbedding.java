package org.tarpo4j.layers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.layers.core.ScatterGradient;

/**
 * The input embedding table {@code [vocab, dim]}, differentiable although SameDiff M2.1's gather backward is broken
 * (it fails, is silently wrong with 2-D ids, and two differentiated gathers in one graph cannot coexist).
 *
 * <p>How: rows are gathered from a constant that shares the table's buffer, so SameDiff never differentiates the
 * gather, and a zero scalar "gradient anchor" variable is added to them, so SameDiff does compute the gradient of
 * the gathered rows. {@link org.tarpo4j.layers.core.Gradients} then scatter-adds that gradient into the table's
 * (a {@link ScatterGradient} rule): the exact gradient of a lookup at the cost of a scatter, where the usual
 * workaround, a one-hot matmul, costs a {@code [N, vocab] × [vocab, dim]} product. The table must be updated in
 * place (as the optimisers here do) for the constant view to stay current.
 */
public final class TokenEmbedding {
    private final Graph graph;
    private final String name;
    private final SDVariable weight;
    private final SDVariable table;   // constant view of weight's buffer: gathers from it are never differentiated
    private final SDVariable anchor;  // scalar 0 on a gradient path, so the rows' gradient exists
    private int lookups;

    /**
     * Adds the table {@code name.weight [vocab, dim]} (or uses the stored array of that name).
     *
     * @param graph the graph to add to
     * @param name  the module path, e.g. {@code model.embed_tokens}; the table is {@code name.weight}
     * @param vocab rows
     * @param dim   columns
     */
    public TokenEmbedding(Graph graph, String name, long vocab, long dim) {
        this.graph = graph;
        this.name = name;
        this.weight = graph.parameter(name + ".weight", Init.normal(Linear.INIT_STD), vocab, dim);
        this.table = graph.sd().constant(name + ".weight_view", weight.getArr());
        this.anchor = graph.sd().var(name + ".gradient_anchor", Nd4j.scalar(graph.dtype(), 0.0));
    }

    /**
     * The table variable.
     *
     * @return {@code name.weight}, {@code [vocab, dim]}
     */
    public SDVariable weight() { return weight; }

    /**
     * Rows of the table by id, differentiable into the table.
     *
     * @param ids any-shaped integers
     * @return {@code [numel(ids), dim]}, rows in row-major order of the ids
     */
    public SDVariable lookup(SDVariable ids) {
        var sd = graph.sd();
        String tag = name + ".lookup" + (lookups++ == 0 ? "" : "_" + lookups);
        SDVariable flatIds = sd.reshape(tag + ".ids", ids, -1);
        SDVariable rows = sd.gather(table, flatIds, 0).add(tag + ".rows", anchor);
        graph.addScatterGradient(new ScatterGradient(rows.name(), flatIds.name(), weight.name()));
        return rows;
    }

    /**
     * Rows of any {@code [V, d]} parameter table (e.g. an untied LM head) by id, differentiable into the table by the
     * same scatter rule as {@link #lookup}; the table's constant view and anchor are created once per graph.
     *
     * @param graph the graph the table belongs to
     * @param table a {@code [V, d]} parameter variable
     * @param ids   any-shaped integers
     * @return {@code [numel(ids), d]}
     */
    public static SDVariable lookupRows(Graph graph, SDVariable table, SDVariable ids) {
        var sd = graph.sd();
        String base = table.name();
        SDVariable view = sd.hasVariable(base + "_view") ? sd.getVariable(base + "_view") : sd.constant(base + "_view", table.getArr());
        SDVariable anchor = sd.hasVariable(base + "_anchor") ? sd.getVariable(base + "_anchor")
                : sd.var(base + "_anchor", Nd4j.scalar(graph.dtype(), 0.0));
        int i = 0;
        while (sd.hasVariable(base + ".rows" + i + ".ids")) i++;
        String tag = base + ".rows" + i;
        SDVariable flatIds = sd.reshape(tag + ".ids", ids, -1);
        SDVariable rows = sd.gather(view, flatIds, 0).add(tag, anchor);
        graph.addScatterGradient(new ScatterGradient(rows.name(), flatIds.name(), table.name()));
        return rows;
    }

    /**
     * Weighted sums of rows, {@code out[n] = Σ_j weights[n, j] · E[ids[n, j]]}.
     *
     * @param ids     {@code [N, K]} integers
     * @param weights {@code [N, K]}, used as given (this op passes no gradient into them)
     * @return {@code [N, dim]}
     */
    public SDVariable weightedSum(SDVariable ids, SDVariable weights) {
        var sd = graph.sd();
        SDVariable rows = lookup(ids);                                                        // [N·K, d]
        SDVariable shape = sd.concat(0, sd.shape(ids).castTo(DataType.LONG),
                sd.constant(Nd4j.createFromArray(weight.getShape()[1])));
        SDVariable perSlot = rows.reshape(shape);                                             // [N, K, d]
        return perSlot.mul(sd.expandDims(graph.stopGradient(weights), 2)).sum(1);             // [N, d]
    }
}

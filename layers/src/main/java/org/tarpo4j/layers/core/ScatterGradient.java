package org.tarpo4j.layers.core;

/**
 * A gradient SameDiff M2.1 cannot compute, added by hand: {@code sd.gather(table, ids, 0)} has a broken backward
 * (it fails, or with 2-D indices is silently wrong), so gathers read a stop-gradient copy of the table and the
 * gradient of the gathered rows is scatter-added into the table's gradient by {@link Gradients}.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 *
 * @param rows    the gathered rows, {@code [N, d]}, an ARRAY variable whose gradient SameDiff does compute
 * @param indices the row ids, {@code [N]} integers (any variable that can be evaluated with the placeholders)
 * @param table   the parameter the rows were read from, {@code [V, d]}
 */
public record ScatterGradient(String rows, String indices, String table) {}

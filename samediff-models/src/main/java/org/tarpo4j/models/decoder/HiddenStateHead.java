package org.tarpo4j.models.decoder;

import org.nd4j.autodiff.samediff.SDVariable;
import org.tarpo4j.layers.core.Graph;

/** An extra head on the final normed hidden state (e.g. TARPO's action router), added when the graph is built. */
@FunctionalInterface
public interface HiddenStateHead {
    /** @param hidden {@code [B·T, hidden]}, after the last RMSNorm */
    void attach(Graph graph, SDVariable hidden);
}

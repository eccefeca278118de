package org.tarpo4j.layers.core;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** One forward execution of a graph on {@link RecyclingMemory}; the outputs are copies owned by the caller. */
public final class GraphRun {
    private GraphRun() {}

    public static Map<String, INDArray> outputs(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> names) {
        RecyclingMemory.recycle(sd); // the previous call's arrays: what it handed out was copied
        Map<String, INDArray> raw = sd.output(placeholders, names.toArray(new String[0]));
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String n : names) out.put(n, raw.get(n).dup());
        return out;
    }
}

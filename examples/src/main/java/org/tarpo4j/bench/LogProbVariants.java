package org.tarpo4j.bench;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.layers.core.Parameters;

import java.util.List;
import java.util.Map;

/** Scratch: time variants of the label log-prob over the vocabulary (forward + backward through the head). */
public final class LogProbVariants {
    public static void main(String[] args) {
        int n = 1024, d = 256, v = 8192;
        String[] names = {"current", "logSoftmax+onehot", "lse+onehot", "logSoftmax only", "head only", "lse + head rows", "lse(int max) + head rows"};
        Graph[] graphs = new Graph[names.length];
        for (int i = 0; i < names.length; i++) graphs[i] = build(i, n, d, v);
        INDArray labels = Nd4j.createFromArray(new java.util.Random(1).ints(n, 0, v).toArray());
        Map<String, INDArray> ph = Map.of("labels", labels);
        OpTimer[] timers = new OpTimer[names.length];
        for (int i = 0; i < names.length; i++) { timers[i] = new OpTimer(); graphs[i].sd().setListeners(timers[i]); }
        double[] best = new double[names.length];
        java.util.Arrays.fill(best, 1e9);
        for (int rep = 0; rep < 6; rep++) {
            for (int i = 0; i < names.length; i++) {
                timers[i].reset();
                long t0 = System.nanoTime();
                var r = Gradients.compute(graphs[i], "loss", ph, List.of("loss"), List.of("W", "h"));
                double ms = (System.nanoTime() - t0) / 1e6;
                if (rep > 0) best[i] = Math.min(best[i], ms);
                if (rep == 5) System.out.printf("%-20s best %.1f ms loss %.6f  ops %.1f ms%n%s%n", names[i], best[i],
                        r.outputs().get("loss").getDouble(0), timers[i].totalMs(), timers[i].report(12, false));
            }
        }
    }

    static Graph build(int variant, int n, int d, int v) {
        Graph g = Graph.create(new Parameters(DataType.FLOAT, 5));
        SameDiff sd = g.sd();
        SDVariable w = g.parameter("W", Init.normal(0.5), v, d);
        SDVariable h = g.parameter("h", Init.normal(1.0), n, d);
        SDVariable labels = sd.placeHolder("labels", DataType.INT32, -1);
        SDVariable x = sd.mmul(h, w, false, true, false);
        SDVariable tok;
        switch (variant) {
            case 0 -> {
                SDVariable max = g.stopGradient(x.max(true, 1));
                SDVariable shifted = x.sub(max);
                SDVariable logZ = sd.math.log(sd.math.exp(shifted).sum(true, 1));
                SDVariable logp = shifted.sub(logZ);
                tok = logp.mul(sd.oneHot(labels, v, -1, 1.0, 0.0, DataType.FLOAT)).sum(1);
            }
            case 1 -> {
                SDVariable logp = sd.nn.logSoftmax(x);
                tok = logp.mul(sd.oneHot(labels, v, -1, 1.0, 0.0, DataType.FLOAT)).sum(1);
            }
            case 2 -> {
                SDVariable max = g.stopGradient(x.max(true, 1));
                SDVariable logZ = sd.math.log(sd.math.exp(x.sub(max)).sum(true, 1)).add(max);
                tok = x.mul(sd.oneHot(labels, v, -1, 1.0, 0.0, DataType.FLOAT)).sum(true, 1).sub(logZ);
            }
            case 3 -> tok = sd.nn.logSoftmax(x).sum(1);
            case 6 -> {
                SDVariable max = x.max(true, 1).castTo(DataType.LONG).castTo(DataType.FLOAT);
                SDVariable logZ = sd.math.log(sd.math.exp(x.sub(max)).sum(true, 1)).add(max);
                SDVariable lab = h.mul(org.tarpo4j.layers.TokenEmbedding.lookupRows(g, w, labels)).sum(1);
                tok = lab.sub(sd.reshape(logZ, -1));
            }
            case 5 -> {
                SDVariable max = g.stopGradient(x.max(true, 1));
                SDVariable logZ = sd.math.log(sd.math.exp(x.sub(max)).sum(true, 1)).add(max);
                SDVariable lab = h.mul(org.tarpo4j.layers.TokenEmbedding.lookupRows(g, w, labels)).sum(1);
                tok = lab.sub(sd.reshape(logZ, -1));
            }
            default -> tok = x.sum(1);
        }
        tok.mean().rename("loss");
        return g;
    }
}

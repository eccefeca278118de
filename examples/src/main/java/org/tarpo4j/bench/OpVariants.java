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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Scratch: forward+backward time of alternative formulations of one op pattern. */
public final class OpVariants {
    static final int N = 1024, D = 256, F = 688;

    public static void main(String[] args) {
        Map<String, BiFunction<Graph, SDVariable, SDVariable>> v = new LinkedHashMap<>();
        int B = 8, T = 128, H = 8, HD = 32;
        INDArray cosT = Nd4j.rand(DataType.FLOAT, 1024, HD), sinT = Nd4j.rand(DataType.FLOAT, 1024, HD);
        INDArray posArr = Nd4j.zeros(DataType.INT32, B, T);
        for (int r = 0; r < B; r++) for (int c = 0; c < T; c++) posArr.putScalar(r, c, c);
        v.put("rope 4-D (current)", (g, x) -> {
            SameDiff sd = g.sd();
            SDVariable q = sd.mmul(x, g.parameter("wq", Init.normal(0.1), H * HD, D), false, true, false);
            SDVariable pos = sd.constant("pos", posArr);
            SDVariable cos = sd.expandDims(sd.gather(sd.constant("ct", cosT), pos, 0), 1);
            SDVariable sin = sd.expandDims(sd.gather(sd.constant("st", sinT), pos, 0), 1);
            SDVariable qh = q.reshape(B, T, H, HD).permute(0, 2, 1, 3);
            SDVariable[] h = sd.split(qh, 2, 3);
            SDVariable r = qh.mul(cos).add(sd.concat(3, h[1].neg(), h[0]).mul(sin));
            return r.permute(0, 2, 1, 3).reshape(B * T, H * HD);
        });
        INDArray rep = Nd4j.zeros(DataType.FLOAT, HD, H * HD), repSigned = Nd4j.zeros(DataType.FLOAT, HD, H * HD);
        for (int hh = 0; hh < H; hh++) for (int i = 0; i < HD; i++) { rep.putScalar(i, hh * HD + i, 1); repSigned.putScalar(i, hh * HD + i, i < HD / 2 ? -1 : 1); }
        INDArray perm = Nd4j.zeros(DataType.FLOAT, H * HD, H * HD);
        for (int hh = 0; hh < H; hh++) for (int i = 0; i < HD; i++) perm.putScalar(hh * HD + (i + HD / 2) % HD, hh * HD + i, 1);
        v.put("rope 2-D full tables, split/concat swap", (g, x) -> {
            SameDiff sd = g.sd();
            SDVariable q = sd.mmul(x, g.parameter("wq", Init.normal(0.1), H * HD, D), false, true, false);
            SDVariable pos = sd.constant("pos", posArr).reshape(-1);
            SDVariable cos = sd.mmul(sd.gather(sd.constant("ct", cosT), pos, 0), sd.constant("rep", rep));
            SDVariable sin = sd.mmul(sd.gather(sd.constant("st", sinT), pos, 0), sd.constant("reps", repSigned));
            SDVariable[] h = sd.split(q.reshape(-1, HD), 2, 1);
            SDVariable swapped = sd.concat(1, h[1], h[0]).reshape(-1, H * HD);
            return q.mul(cos).add(swapped.mul(sin));
        });
        v.put("rope 2-D full tables, permutation matmul", (g, x) -> {
            SameDiff sd = g.sd();
            SDVariable q = sd.mmul(x, g.parameter("wq", Init.normal(0.1), H * HD, D), false, true, false);
            SDVariable pos = sd.constant("pos", posArr).reshape(-1);
            SDVariable cos = sd.mmul(sd.gather(sd.constant("ct", cosT), pos, 0), sd.constant("rep", rep));
            SDVariable sin = sd.mmul(sd.gather(sd.constant("st", sinT), pos, 0), sd.constant("reps", repSigned));
            SDVariable swapped = sd.mmul(q, sd.constant("perm", perm));
            return q.mul(cos).add(swapped.mul(sin));
        });
        v.put("no rope", (g, x) -> {
            SameDiff sd = g.sd();
            SDVariable q = sd.mmul(x, g.parameter("wq", Init.normal(0.1), H * HD, D), false, true, false);
            return q.add(1.0);
        });
        List<Graph> graphs = new ArrayList<>();
        List<OpTimer> timers = new ArrayList<>();
        for (var e : v.entrySet()) {
            Graph g = Graph.create(new Parameters(DataType.FLOAT, 3));
            SDVariable x0 = g.parameter("x", Init.normal(1), N, D);
            e.getValue().apply(g, x0).mul(g.sd().constant("r", Nd4j.rand(DataType.FLOAT, 1, 1))).sum().rename("loss");
            graphs.add(g);
            OpTimer t = new OpTimer();
            g.sd().setListeners(t);
            timers.add(t);
        }
        double[] best = new double[graphs.size()];
        java.util.Arrays.fill(best, 1e9);
        List<String> names = new ArrayList<>(v.keySet());
        for (int it = 0; it < 8; it++) {
            for (int i = 0; i < graphs.size(); i++) {
                Graph g = graphs.get(i);
                timers.get(i).reset();
                long t0 = System.nanoTime();
                Gradients.compute(g, "loss", Map.of(), List.of(), g.parameters().asMap().keySet());
                double ms = (System.nanoTime() - t0) / 1e6;
                if (it > 0) best[i] = Math.min(best[i], ms);
                if (it == 7) System.out.printf("%-40s best %.2f ms%n%s%n", names.get(i), best[i], timers.get(i).report(8, false));
            }
        }
    }
}

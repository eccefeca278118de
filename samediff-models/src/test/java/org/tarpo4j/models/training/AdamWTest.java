package org.tarpo4j.models.training;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** AdamW against torch.optim.AdamW's formula, written out in double precision. */
class AdamWTest {
    private static final double B1 = 0.9, B2 = 0.95, EPS = 1e-3;

    @Test
    void matchesTorchAdamWWithDecoupledDecayAcrossStepsSchedulesAndARestore() {
        for (DataType dt : List.of(DataType.DOUBLE, DataType.FLOAT)) {
            SplittableRandom rng = new SplittableRandom(3);
            Map<String, INDArray> decayed = new LinkedHashMap<>(), plain = new LinkedHashMap<>();
            decayed.put("w", random(rng, dt, 3, 4));
            plain.put("b", random(rng, dt, 4));
            Map<String, double[]> ref = new LinkedHashMap<>(), m = new LinkedHashMap<>(), v = new LinkedHashMap<>();
            for (var e : List.of(decayed, plain)) e.forEach((k, a) -> {
                ref.put(k, a.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector());
                m.put(k, new double[(int) a.length()]);
                v.put(k, new double[(int) a.length()]);
            });
            AdamW opt = new AdamW(List.of(new AdamW.Group("decayed", decayed, 0.05, 0.1), new AdamW.Group("plain", plain, 0.02, 0)),
                    B1, B2, EPS);
            double[] scales = {1.0, 0.5, 1.0, 0.25, 0.8, 1.0};
            for (int t = 1; t <= scales.length; t++) {
                Map<String, INDArray> grads = new LinkedHashMap<>();
                grads.put("w", random(rng, dt, 3, 4).muli(t));
                grads.put("b", random(rng, dt, 4));
                Map<String, INDArray> kept = new LinkedHashMap<>();
                grads.forEach((k, g) -> kept.put(k, g.dup()));
                if (t == 4) {    // a checkpoint round trip mid-way
                    Map<String, INDArray> state = new LinkedHashMap<>();
                    opt.state().forEach((k, a) -> state.put(k, a.dup()));
                    AdamW restored = new AdamW(opt.groups(), B1, B2, EPS);
                    restored.restore(state, opt.stepCount());
                    opt = restored;
                }
                opt.step(grads, scales[t - 1]);
                // the step consumes its gradients (each buffer now holds the update): the reference takes the copies
                reference(ref.get("w"), m.get("w"), v.get("w"), kept.get("w"), 0.05 * scales[t - 1], 0.1, t);
                reference(ref.get("b"), m.get("b"), v.get("b"), kept.get("b"), 0.02 * scales[t - 1], 0, t);
                double tol = dt == DataType.DOUBLE ? 1e-12 : 2e-6;
                for (var e : List.of(decayed, plain)) e.forEach((k, a) -> {
                    double[] got = a.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
                    for (int i = 0; i < got.length; i++) assertEquals(ref.get(k)[i], got[i], tol, dt + " " + k + "[" + i + "]");
                });
            }
            assertEquals(scales.length, opt.stepCount());
        }
    }

    /** torch.optim.AdamW, one step. */
    private static void reference(double[] p, double[] m, double[] v, INDArray grad, double lr, double wd, int t) {
        double[] g = grad.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        double c1 = 1 - Math.pow(B1, t), c2 = 1 - Math.pow(B2, t);
        for (int i = 0; i < p.length; i++) {
            p[i] *= 1 - lr * wd;
            m[i] = B1 * m[i] + (1 - B1) * g[i];
            v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
            p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPS);
        }
    }

    private static INDArray random(SplittableRandom rng, DataType dt, long... shape) {
        double[] x = new double[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble() * 2 - 1;
        return Nd4j.create(x, shape, dt);
    }
}

package org.tarpo4j.models.training;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (decoupled weight decay, bias-corrected moments) over named parameter groups, updating the parameter arrays
 * in place, so every graph that shares them sees the update.
 *
 * <p>Per parameter: {@code m ← β1 m + (1-β1) g}, {@code v ← β2 v + (1-β2) g²},
 * {@code p ← p - lr·wd·p - lr · m̂ / (sqrt(v̂) + eps)}, as {@code torch.optim.AdamW}: the decay is applied first,
 * to the parameter before the Adam step. The moments and the step are one fused ND4J op per parameter
 * ({@code adam_updater}) writing into preallocated buffers, instead of ~10 allocating array operations.
 */
public final class AdamW {
    /** Parameters that share hyper-parameters; the learning rate is scaled by the schedule each step. */
    public record Group(String name, Map<String, INDArray> parameters, double learningRate, double weightDecay) {}

    private final List<Group> groups;
    private final double beta1, beta2, eps;
    private final Map<String, INDArray> firstMoment = new LinkedHashMap<>(), secondMoment = new LinkedHashMap<>();
    private long step;

    public AdamW(List<Group> groups, double beta1, double beta2, double eps) {
        this.groups = List.copyOf(groups);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (Group g : groups) {
            g.parameters().forEach((name, p) -> {
                if (firstMoment.containsKey(name)) throw new IllegalArgumentException("parameter '" + name + "' is in two groups");
                firstMoment.put(name, Nd4j.zerosLike(p));
                secondMoment.put(name, Nd4j.zerosLike(p));
            });
        }
    }

    /**
     * One update. {@code lrScale} multiplies every group's learning rate (the schedule's factor).
     * Gradients of parameters not in any group are ignored; a parameter without a gradient is not updated.
     * The gradients are consumed: each is overwritten with its update (a buffer as large as the parameters spared).
     */
    public void step(Map<String, INDArray> gradients, double lrScale) {
        step++;
        double c1 = 1 - Math.pow(beta1, step), c2 = 1 - Math.pow(beta2, step);
        for (Group g : groups) {
            double lr = g.learningRate() * lrScale;
            for (Map.Entry<String, INDArray> e : g.parameters().entrySet()) {
                INDArray grad = gradients.get(e.getKey());
                if (grad == null) continue;
                INDArray p = e.getValue(), m = firstMoment.get(e.getKey()), v = secondMoment.get(e.getKey());
                INDArray u = grad.reshape(v.shape());
                // one fused op updates m and v in place and writes u = lr·sqrt(c2)/c1 · m / (sqrt(v) + eps') into the
                // gradient's own buffer (element by element, so in place is safe); with eps' = eps·sqrt(c2) that is
                // exactly lr · m̂ / (sqrt(v̂) + eps) (the op's step count is 0-based)
                Nd4j.exec(new AdamUpdater(u, v, m, u, v, m, lr, beta1, beta2, eps * Math.sqrt(c2), Math.toIntExact(step - 1)));
                if (g.weightDecay() != 0) p.muli(1 - lr * g.weightDecay());
                p.subi(u);
            }
        }
    }

    public long stepCount() { return step; }

    public List<Group> groups() { return groups; }

    /** Moments by {@code <param>.exp_avg} / {@code <param>.exp_avg_sq} (torch's names), for checkpoints. */
    public Map<String, INDArray> state() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        firstMoment.forEach((k, v) -> s.put(k + ".exp_avg", v));
        secondMoment.forEach((k, v) -> s.put(k + ".exp_avg_sq", v));
        return s;
    }

    /**
     * Restores moments saved by {@link #state()} and the step count. Every moment is checked (present, of its
     * parameter's shape) before any is assigned: on an error nothing has changed.
     */
    public void restore(Map<String, INDArray> state, long stepCount) {
        List<String> problems = new ArrayList<>();
        firstMoment.forEach((k, v) -> {
            for (String moment : List.of(k + ".exp_avg", k + ".exp_avg_sq")) {
                INDArray saved = state.get(moment);
                if (saved == null) problems.add("'" + moment + "' is missing");
                // assign() does not check lengths: a mismatch would write past the end of the moment's buffer
                else if (!Arrays.equals(saved.shape(), v.shape())) {
                    problems.add("'" + moment + "' has shape " + Arrays.toString(saved.shape()) + ", the parameter "
                            + Arrays.toString(v.shape()));
                }
            }
        });
        if (!problems.isEmpty()) throw new IllegalArgumentException("optimizer state: " + String.join("; ", problems));
        firstMoment.forEach((k, v) -> {
            v.assign(state.get(k + ".exp_avg"));
            secondMoment.get(k).assign(state.get(k + ".exp_avg_sq"));
        });
        this.step = stepCount;
    }
}

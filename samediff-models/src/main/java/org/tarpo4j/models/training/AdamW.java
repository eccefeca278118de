package org.tarpo4j.models.training;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

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
 * {@code p ← p - lr·wd·p - lr · m̂ / (sqrt(v̂) + eps)}, as {@code torch.optim.AdamW}.
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
                m.muli(beta1).addi(grad.mul(1 - beta1));
                v.muli(beta2).addi(grad.mul(grad).muli(1 - beta2));
                if (g.weightDecay() != 0) p.muli(1 - lr * g.weightDecay());
                INDArray denom = Transforms.sqrt(v.div(c2), false).addi(eps);
                p.subi(m.div(denom).muli(lr / c1));
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

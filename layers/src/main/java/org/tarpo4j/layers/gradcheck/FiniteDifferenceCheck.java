package org.tarpo4j.layers.gradcheck;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.Graph;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Central finite-difference check of a graph's gradients, in double precision.
 *
 * <p>Our own because {@code GradCheckUtil} in M2.1 fails on any floating-point placeholder. It also covers the
 * gradients {@link Gradients} adds by hand, so every layer is checked through the same path training uses.
 */
public final class FiniteDifferenceCheck {
    private FiniteDifferenceCheck() {}

    /**
     * The worst entry found; {@link #passed} says whether every checked entry was within tolerance.
     *
     * @param passed           every checked entry within tolerance
     * @param maxRelativeError the largest relative error among entries above the absolute floor
     * @param maxAbsoluteError the largest absolute error
     * @param checked          entries checked
     * @param worst            the entry with the largest relative error, with both gradients, or {@code -}
     */
    public record Result(boolean passed, double maxRelativeError, double maxAbsoluteError, int checked, String worst) {
        @Override public String toString() {
            return (passed ? "passed" : "FAILED") + ": " + checked + " entries, max rel err " + maxRelativeError
                    + ", max abs err " + maxAbsoluteError + ", worst " + worst;
        }
    }

    /**
     * Checks up to {@code entriesPerParameter} random entries of every listed parameter.
     * An entry passes when the relative error is below {@code maxRelativeError} or the absolute error below
     * {@code minAbsoluteError} (the relative error of two near-zero numbers means nothing).
     *
     * @param graph               a DOUBLE graph
     * @param placeholders        every placeholder the loss needs
     * @param loss                the scalar variable
     * @param parameters          the parameters to check
     * @param entriesPerParameter entries per parameter at most (all of a smaller one)
     * @param epsilon             the central difference's step
     * @param maxRelativeError    tolerance on {@code |a - n| / (|a| + |n|)}
     * @param minAbsoluteError    an entry whose absolute error is below this passes
     * @param seed                picks the entries
     * @return the outcome
     * @throws IllegalArgumentException for a graph that is not DOUBLE
     */
    public static Result check(Graph graph, Map<String, INDArray> placeholders, String loss, Collection<String> parameters,
                               int entriesPerParameter, double epsilon, double maxRelativeError, double minAbsoluteError,
                               long seed) {
        if (graph.dtype() != DataType.DOUBLE) {
            throw new IllegalArgumentException("finite differences need a DOUBLE graph, got " + graph.dtype());
        }
        Map<String, INDArray> analytic = Gradients.compute(graph, loss, placeholders, List.of(), parameters).gradients();
        SplittableRandom rng = new SplittableRandom(seed);
        double maxRel = 0, maxAbs = 0;
        int checked = 0;
        boolean passed = true;
        String worst = "-";
        for (String name : parameters) {
            INDArray param = graph.sd().getArrForVarName(name);
            INDArray grad = analytic.get(name).reshape(param.length());
            int n = (int) Math.min(entriesPerParameter, param.length());
            for (int k = 0; k < n; k++) {
                long i = n == param.length() ? k : rng.nextLong(param.length());
                double original = param.getDouble(i);
                param.putScalar(i, original + epsilon);
                double plus = lossValue(graph, placeholders, loss);
                param.putScalar(i, original - epsilon);
                double minus = lossValue(graph, placeholders, loss);
                param.putScalar(i, original);
                double numeric = (plus - minus) / (2 * epsilon);
                double a = grad.getDouble(i);
                double abs = Math.abs(a - numeric);
                double rel = abs == 0 ? 0 : abs / (Math.abs(a) + Math.abs(numeric));
                checked++;
                boolean ok = rel <= maxRelativeError || abs <= minAbsoluteError;
                if (!ok) passed = false;
                if (abs > minAbsoluteError && rel > maxRel) {
                    maxRel = rel;
                    worst = name + "[" + i + "] analytic " + a + " numeric " + numeric;
                }
                maxAbs = Math.max(maxAbs, abs);
            }
        }
        return new Result(passed, maxRel, maxAbs, checked, worst);
    }

    private static double lossValue(Graph graph, Map<String, INDArray> placeholders, String loss) {
        return graph.sd().output(placeholders, loss).get(loss).getDouble(0);
    }
}

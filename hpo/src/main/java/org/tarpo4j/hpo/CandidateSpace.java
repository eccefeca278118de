package org.tarpo4j.hpo;

import org.deeplearning4j.arbiter.optimize.api.ParameterSpace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The composite Arbiter parameter space of a sweep: one leaf per swept parameter, in the sweep's order (a sequential
 * grid varies the first fastest). A point maps to a {@link SweepCandidate}; the trainer config is built from it inside
 * the candidate's task, so a value the trainer rejects fails that candidate, not the candidate generator.
 */
final class CandidateSpace implements ParameterSpace<SweepCandidate> {
    private final Map<SweepParameter, ParameterSpace<? extends Number>> leaves = new LinkedHashMap<>();

    public CandidateSpace(List<ParameterRange> ranges) {
        if (ranges.isEmpty()) throw new IllegalArgumentException("a sweep needs at least one parameter");
        for (ParameterRange r : ranges) {
            if (leaves.put(r.parameter(), r.space()) != null) throw new IllegalArgumentException(r.parameter().key() + " is given twice");
        }
    }

    /** The swept parameters, in order. */
    public List<SweepParameter> parameters() { return List.copyOf(leaves.keySet()); }

    @Override
    public SweepCandidate getValue(double[] input) {
        Map<SweepParameter, Double> values = new LinkedHashMap<>();
        leaves.forEach((p, leaf) -> values.put(p, Numbers.round(leaf.getValue(input).doubleValue())));
        return new SweepCandidate(values);
    }

    @Override
    public int numParameters() {
        int n = 0;
        for (ParameterSpace<?> leaf : leaves.values()) n += leaf.numParameters();
        return n;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List<ParameterSpace> collectLeaves() {
        List<ParameterSpace> out = new ArrayList<>();
        for (ParameterSpace<?> leaf : leaves.values()) out.addAll(leaf.collectLeaves());
        return out;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Map<String, ParameterSpace> getNestedSpaces() {
        Map<String, ParameterSpace> out = new LinkedHashMap<>();
        leaves.forEach((p, leaf) -> out.put(p.key(), leaf));
        return out;
    }

    @Override
    public boolean isLeaf() { return false; }

    @Override
    public void setIndices(int... indices) {
        throw new UnsupportedOperationException("a composite space: the candidate generator indexes its leaves");
    }
}

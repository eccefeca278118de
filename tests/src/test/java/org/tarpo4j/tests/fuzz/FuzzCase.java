package org.tarpo4j.tests.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One malformed input: a category and label, the load that must reject it, the exception types that count as a clear
 * rejection, and the culprits the message must name (each group is satisfied by any one of its strings).
 */
record FuzzCase(String category, String label, Load load, Set<Class<? extends Throwable>> expected,
                List<List<String>> culprits) {

    /** Loads the malformed input; returns what was built if it was (wrongly) accepted. */
    @FunctionalInterface
    interface Load {
        Object run() throws Exception;
    }

    FuzzCase {
        expected = Set.copyOf(expected);
        culprits = List.copyOf(culprits);
    }

    static FuzzCase of(String category, String label, Class<? extends Throwable> expected, Load load) {
        return new FuzzCase(category, label, load, Set.of(expected), List.of());
    }

    /** A copy whose rejection must also name one of {@code anyOf}. */
    FuzzCase naming(String... anyOf) {
        List<List<String>> more = new ArrayList<>(culprits);
        more.add(List.of(anyOf));
        return new FuzzCase(category, label, load, expected, more);
    }

    /** A copy that also accepts {@code other} as a clear rejection. */
    FuzzCase orExpect(Class<? extends Throwable> other) {
        return new FuzzCase(category, label, load, Stream.concat(expected.stream(), Stream.of(other)).collect(Collectors.toSet()),
                culprits);
    }

    boolean isExpected(Throwable t) {
        return expected.stream().anyMatch(c -> c.isInstance(t));
    }

    /** The culprit groups that {@code message} fails to name, empty when it names them all. */
    List<List<String>> missingFrom(String message) {
        String m = message == null ? "" : message;
        return culprits.stream().filter(group -> group.stream().noneMatch(m::contains)).toList();
    }

    @Override
    public String toString() {
        return category + ": " + label;
    }
}

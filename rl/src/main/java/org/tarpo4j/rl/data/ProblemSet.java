package org.tarpo4j.rl.data;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The problems of one data file, in file order.
 *
 * @param name     a label for logs and metrics, e.g. the file name
 * @param problems the problems; empty for a file with no rows
 * @param skipped  why each skipped row was skipped (file, line, reason), when the loader was asked to skip rows
 *                 without a usable answer ({@link LoadOptions#skipUnanswerable()})
 */
public record ProblemSet(String name, List<Problem> problems, List<String> skipped) implements Iterable<Problem> {
    /**
     * @param name     not null
     * @param problems copied
     * @param skipped  copied
     */
    public ProblemSet {
        Objects.requireNonNull(name, "name");
        problems = List.copyOf(problems);
        skipped = List.copyOf(skipped);
    }

    /**
     * A set with nothing skipped.
     *
     * @param name     a label
     * @param problems the problems
     */
    public ProblemSet(String name, List<Problem> problems) {
        this(name, problems, List.of());
    }

    /** The set read from {@code file}, named after it. */
    static ProblemSet of(Path file, JsonlReader.Rows<Problem> rows) {
        return new ProblemSet(file.getFileName().toString(), rows.values(), rows.skipped());
    }

    /** @return the number of problems */
    public int size() {
        return problems.size();
    }

    /**
     * @param index from 0
     * @return that problem
     */
    public Problem get(int index) {
        return problems.get(index);
    }

    /** @return the problems in order */
    @Override
    public Iterator<Problem> iterator() {
        return problems.iterator();
    }
}

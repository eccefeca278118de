package org.tarpo4j.rl.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/** Dataset loaders by format name ({@code gsm8k}, {@code math}, {@code jsonl}). */
public final class Datasets {
    /** The format names {@link #load} accepts. */
    public static final List<String> FORMATS = List.of("gsm8k", "math", "jsonl");

    private Datasets() {}

    /**
     * Every {@code data_format} a run config may name: {@link #FORMATS} and those the class path provides
     * ({@link DataFormatProvider}).
     *
     * @return the names, {@link #FORMATS} first
     */
    public static Set<String> formats() {
        Set<String> all = new LinkedHashSet<>(FORMATS);
        for (DataFormatProvider p : ServiceLoader.load(DataFormatProvider.class)) all.add(p.name());
        return all;
    }

    /**
     * MATH rows without a usable boxed answer are skipped (two such rows exist upstream) and listed in the set.
     *
     * @param format {@code gsm8k}, {@code math} or {@code jsonl}
     * @param file   the JSONL file
     * @return its problems
     * @throws IOException when it cannot be read, or a {@link DatasetFormatException} naming the line
     */
    public static ProblemSet load(String format, Path file) throws IOException {
        return switch (format) {
            case "gsm8k" -> Gsm8k.load(file);
            case "math" -> MathDataset.load(file, LoadOptions.STRICT.skippingUnanswerable());
            case "jsonl" -> GenericJsonl.load(file);
            default -> throw new IllegalArgumentException("unknown data format '" + format + "' (gsm8k, math or jsonl)");
        };
    }
}

package org.tarpo4j.rl.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A custom problem file: {@code {"prompt": str, "answer": str}} per line, with an optional {@code "id"} (string or
 * integer; unique within the file; default file name and line) and an optional {@code "reference"} solution.
 */
public final class GenericJsonl {
    private GenericJsonl() {}

    /**
     * {@link #load(Path, LoadOptions)} with {@link LoadOptions#STRICT}.
     *
     * @param file the JSONL file
     * @return its problems
     * @throws IOException when it cannot be read, or a {@link DatasetFormatException} naming the line
     */
    public static ProblemSet load(Path file) throws IOException {
        return load(file, LoadOptions.STRICT);
    }

    /**
     * The problems of {@code file}; see {@link LoadOptions} for the line cap and for skipping rows without an answer.
     *
     * @param file    the JSONL file
     * @param options line cap and skipping
     * @return its problems
     * @throws IOException when it cannot be read, or a {@link DatasetFormatException} naming the line
     */
    public static ProblemSet load(Path file, LoadOptions options) throws IOException {
        Set<String> ids = new HashSet<>();
        return ProblemSet.of(file, JsonlReader.read(file, options, row -> {
            Problem p = problem(row);
            if (!ids.add(p.id())) throw row.error("duplicate id \"" + p.id() + "\"");
            return p;
        }));
    }

    private static Problem problem(JsonlRow row) throws DatasetFormatException {
        String prompt = row.requiredNonBlank("prompt");
        String answer = row.requiredString("answer").trim();
        if (answer.isEmpty()) throw row.unanswerable("field \"answer\" is empty");
        String id = row.optionalId("id").orElse(row.defaultId());
        return new Problem(id, prompt, answer, row.optionalString("reference").orElse(null));
    }
}

package org.tarpo4j.rl.data;

import org.tarpo4j.rl.reward.AnswerExtraction;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Hendrycks MATH ({@code {"problem", "solution", ...}} per line). The gold answer is the content of the last
 * {@code \boxed{...}} of {@code solution}, verbatim; the reference is the whole solution. The id is
 * {@code source_file} when present (e.g. {@code train/algebra/0.json}), else file name and line.
 */
public final class MathDataset {
    private MathDataset() {}

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
        return ProblemSet.of(file, JsonlReader.read(file, options, MathDataset::problem));
    }

    private static Problem problem(JsonlRow row) throws DatasetFormatException {
        String question = row.requiredNonBlank("problem");
        String solution = row.requiredString("solution");
        String gold = AnswerExtraction.lastBoxed(solution)
                .orElseThrow(() -> row.unanswerable("field \"solution\" has no complete \\boxed{...} answer"));
        if (gold.isBlank()) throw row.unanswerable("empty \\boxed{} answer in field \"solution\"");
        String id = row.optionalString("source_file").orElse(row.defaultId());
        return new Problem(id, question, gold, solution);
    }
}

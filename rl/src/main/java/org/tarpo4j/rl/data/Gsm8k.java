package org.tarpo4j.rl.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * GSM8K ({@code {"question", "answer"}} per line, as in openai/grade-school-math). The gold answer is the text after
 * the last {@code ####} of {@code answer}, trimmed, commas removed; the reference is the whole {@code answer}.
 */
public final class Gsm8k {
    static final String FINAL_ANSWER_MARKER = "####";

    private Gsm8k() {}

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
        return ProblemSet.of(file, JsonlReader.read(file, options, Gsm8k::problem));
    }

    /**
     * The final answer of a GSM8K worked solution: after its last {@code ####}, trimmed, commas removed.
     *
     * @param solution a worked solution
     * @return its final answer, or empty without a marker
     */
    public static Optional<String> finalAnswer(String solution) {
        int i = solution.lastIndexOf(FINAL_ANSWER_MARKER);
        if (i < 0) return Optional.empty();
        return Optional.of(solution.substring(i + FINAL_ANSWER_MARKER.length()).trim().replace(",", ""));
    }

    private static Problem problem(JsonlRow row) throws DatasetFormatException {
        String question = row.requiredNonBlank("question");
        String solution = row.requiredString("answer");
        String gold = finalAnswer(solution)
                .orElseThrow(() -> row.unanswerable("field \"answer\" has no \"" + FINAL_ANSWER_MARKER + "\" final answer"));
        if (gold.isEmpty()) throw row.unanswerable("empty final answer after \"" + FINAL_ANSWER_MARKER + "\" in field \"answer\"");
        return new Problem(row.defaultId(), question, gold, solution);
    }
}

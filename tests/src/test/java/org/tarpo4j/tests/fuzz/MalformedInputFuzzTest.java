package org.tarpo4j.tests.fuzz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeded fuzz suite: several hundred malformed model files, checkpoints, configs, tokenizers, datasets and run
 * configs, each of which must be rejected with the expected exception type and a message naming the culprit. Crashes
 * (any other exception), hangs (over {@link #PER_INPUT_TIMEOUT}), out-of-memory errors, partially loaded models and
 * silent acceptance all fail it. The counts are printed and written to {@code target/reliability/fuzz-counts.txt}.
 *
 * <p>{@code -Dtarpo.fuzz.seed=N} replays another seed.
 */
class MalformedInputFuzzTest {
    static final long SEED = Long.getLong("tarpo.fuzz.seed", 8L);
    static final Duration PER_INPUT_TIMEOUT = Duration.ofSeconds(10);
    static final int MINIMUM_INPUTS = 500;

    @Test
    void unbrokenInputsLoad(@TempDir Path tmp) throws Exception {
        // the generators' starting points must be valid, or every "rejection" could be for the wrong reason
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<FuzzCase.Load> loads = new ArrayList<>(List.of(
                SafeTensorsFuzz.unbroken(rnd, Files.createDirectories(tmp.resolve("st")).resolve("ok.safetensors")),
                ShardedIndexFuzz.unbroken(rnd, tmp.resolve("sharded")),
                ModelConfigFuzz.unbroken(rnd, tmp.resolve("config/config.json")),
                TokenizerFuzz.unbroken(tmp.resolve("tokenizer")),
                RunConfigFuzz.unbroken(rnd, tmp.resolve("run/run.yaml"))));
        loads.addAll(DatasetFuzz.unbroken(rnd, tmp.resolve("data")));
        try (ModelDirectoryFuzz models = ModelDirectoryFuzz.create(tmp.resolve("models"))) {
            loads.add(() -> org.tarpo4j.models.CausalLm.fromPretrained(models.base()));
            for (FuzzCase.Load load : loads) {
                Object built = load.run();
                assertTrue(built != null, "nothing built");
                if (built instanceof AutoCloseable c) c.close();
            }
        }
    }

    @Test
    void everyMalformedInputIsRejectedWithAClearError(@TempDir Path tmp) throws Exception {
        SplittableRandom rnd = new SplittableRandom(SEED);
        List<FuzzCase> cases = new ArrayList<>();
        cases.addAll(SafeTensorsFuzz.cases(rnd, tmp.resolve("safetensors"), 460));
        cases.addAll(ShardedIndexFuzz.cases(rnd, tmp.resolve("sharded"), 112));
        cases.addAll(ModelConfigFuzz.cases(rnd, tmp.resolve("config"), 220));
        cases.addAll(TokenizerFuzz.cases(rnd, tmp.resolve("tokenizer"), 108));
        cases.addAll(DatasetFuzz.cases(rnd, tmp.resolve("data"), 256));
        cases.addAll(RunConfigFuzz.cases(rnd, tmp.resolve("run"), 450));
        FuzzTally tally = new FuzzTally();
        long t0 = System.nanoTime();
        try (ModelDirectoryFuzz models = ModelDirectoryFuzz.create(tmp.resolve("models"));
             FuzzRunner runner = new FuzzRunner(PER_INPUT_TIMEOUT)) {
            cases.addAll(models.cases(rnd, tmp.resolve("models/cases"), 72));
            for (FuzzCase c : cases) tally.add(runner.run(c));
        }
        String report = String.format(java.util.Locale.ROOT, "fuzz seed %d: %d malformed inputs in %.1f s%n%s", SEED,
                tally.total(), (System.nanoTime() - t0) / 1e9, tally.table());
        System.out.println(report);
        Path out = Files.createDirectories(Path.of("target", "reliability")).resolve("fuzz-counts.txt");
        Files.writeString(out, report);

        assertEquals(cases.size(), tally.total());
        assertTrue(tally.total() >= MINIMUM_INPUTS, report);
        String failures = tally.failures().stream()
                .map(r -> "  [" + r.outcome() + "] " + r.fuzzCase() + "\n      " + r.detail())
                .collect(Collectors.joining("\n"));
        assertTrue(tally.failures().isEmpty(), report + "\n" + tally.failures().size() + " failures:\n" + failures);
    }
}

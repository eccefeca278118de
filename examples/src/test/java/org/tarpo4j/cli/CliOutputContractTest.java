package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.DataDirectory;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user sees: each command in its own JVM on the main class path (the CLI's own logback.xml, no test
 * configuration), so that logging is configured as under {@code ./tarpo}, once per JVM. Stdout must be exactly the
 * documented result; a successful command's stderr must hold no stack trace and no logback complaint.
 */
class CliOutputContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODEL = DataDirectory.require("models/tiny-random-llama-ortgenai/hf");
    private static final String IDS = "1,26259,423,5239,29871,29946,29947,9335,567,297,3786,29889";

    private record Run(int exitCode, String out, String err) {}

    /** {@code tarpo ARGS} in a child JVM: the test class path without test classes or test resources. */
    private static Run tarpo(Path logs, String... args) throws Exception {
        String classpath = Arrays.stream(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
                        .split(File.pathSeparator))
                .filter(p -> !p.endsWith("test-classes") && !p.endsWith("test-classes" + File.separator))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx512m", "-XX:+UseSerialGC", "--add-modules=jdk.incubator.vector", "-cp", classpath, "org.tarpo4j.cli.Main"));
        command.addAll(List.of(args));
        Files.createDirectories(logs);
        Path out = logs.resolve(args[0] + ".out"), err = logs.resolve(args[0] + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        pb.environment().remove("TARPO_DEBUG");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tarpo " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** No stack trace, no exception, no logback status message (its own errors and warnings print as "|-ERROR"). */
    private static void quiet(Run r) {
        assertEquals(0, r.exitCode(), r.err());
        for (String sign : List.of("\tat ", "Exception", "|-ERROR", "|-WARN", "logback", "SLF4J")) {
            assertFalse(r.err().contains(sign), "stderr holds '" + sign + "':\n" + r.err());
        }
    }

    @Test
    void generateJsonPrintsOneJsonLineAndNothingElse(@TempDir Path tmp) throws Exception {
        Run r = tarpo(tmp, "generate", "--model", MODEL.toString(), "--ids", IDS, "--max-new-tokens", "12", "--greedy", "--json");
        quiet(r);
        assertTrue(r.out().endsWith("\n") && r.out().indexOf('\n') == r.out().length() - 1, "one line:\n" + r.out());
        JsonNode o = JSON.readTree(r.out());
        JsonNode ref = JSON.readTree(DataDirectory.require("models/tiny-random-llama-ortgenai/reference/ort_reference.json").toFile());
        assertEquals(ref.get("prompts").get(0).get("greedy_continuation_ids"), o.get("ids"));
        assertTrue(o.get("text").isTextual());
        assertEquals(List.of("ids", "text"), fieldNames(o));
    }

    @Test
    void tokenizePrintsTheIdsAsOneJsonArray(@TempDir Path tmp) throws Exception {
        Run r = tarpo(tmp, "tokenize", "--tokenizer", MODEL.toString(), "--text", "Natalia sold 48 clips in April.");
        quiet(r);
        assertEquals("[" + IDS + "]\n", r.out());
    }

    @Test
    void benchPrintsOneJsonLineWithTheDocumentedFields(@TempDir Path tmp) throws Exception {
        Run r = tarpo(tmp, "bench", "--model", MODEL.toString(), "--batch", "1", "--prompt-len", "4", "--new-tokens", "8",
                "--train-len", "6", "--repeats", "1");
        quiet(r);
        assertTrue(r.out().endsWith("\n") && r.out().indexOf('\n') == r.out().length() - 1, "one line:\n" + r.out());
        JsonNode o = JSON.readTree(r.out());
        for (String f : List.of("prefill_tok_s", "decode_tok_s", "train_tok_s", "gemm_gflop_s", "peak_rss_mb")) {
            assertTrue(o.get(f).isNumber(), f + " in " + r.out());
        }
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.MetricsLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code compare} with every task and model knob at the tiniest size: what reaches the runs, and the paired numbers. */
class CompareCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void knobsReachEveryRunAndThePairedDifferencesAreSeedBySeed(@TempDir Path runs) throws Exception {
        var r = CliRunner.run("compare", "--preset", "tiny", "--runs", runs.toString(), "--methods", "grpo,tarpo", "--seeds", "2",
                "--warm_start", "per_seed", "--operations", "1", "--max_operand", "5", "--hidden_size", "16",
                "--num_hidden_layers", "1", "--action_bias", "1.0", "--soft_top_k", "3", "--max_steps", "2", "--sft_max_steps", "40",
                "--json");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().endsWith("\n") && r.out().indexOf('\n') == r.out().length() - 1, "one JSON line:\n" + r.out());
        JsonNode o = JSON.readTree(r.out());
        JsonNode s = o.get("settings");
        assertEquals(1, s.get("min_operations").asInt());
        assertEquals(1, s.get("max_operations").asInt());
        assertEquals(5, s.get("max_operand").asInt());
        assertEquals(16, s.get("hidden_size").asInt());
        assertEquals(1, s.get("num_hidden_layers").asInt());
        assertEquals(32, s.get("intermediate_size").asInt(), "the tiny preset's MLP ratio, 64/32");
        assertEquals("per_seed", s.get("warm_start").asText());
        double total = o.get("time_s").get("total").asDouble(), warmTime = o.get("time_s").get("warm_starts").asDouble();
        assertTrue(warmTime > 0 && total > warmTime, "wall time, warm starts trained: " + o.get("time_s"));
        assertEquals("tiny-ops1-1-operand5-d16-sft40", o.get("preset").asText());
        Path dir = Path.of(o.get("results").asText()).getParent();
        JsonNode file = JSON.readTree(dir.resolve("compare.json").toFile());
        assertEquals(o.get("paired"), file.get("paired"), "stdout is the file's numbers");

        Pattern prompt = Pattern.compile("Compute (\\d+)((?:[-+*]\\d+)+)\\.");
        double[][] after = new double[2][2], pass = new double[2][2];
        for (int seed = 0; seed < 2; seed++) {
            Path warm = Path.of(s.get("warm_starts").get(Integer.toString(seed)).asText());
            JsonNode model = JSON.readTree(warm.resolve("config.json").toFile());
            assertEquals(16, model.get("hidden_size").asInt());
            assertEquals(1, model.get("num_hidden_layers").asInt());
            for (int m = 0; m < 2; m++) {
                String method = List.of("grpo", "tarpo").get(m);
                Path run = dir.resolve(method + "-seed" + seed);
                JsonNode config = JSON.readTree(run.resolve("trainer_config.json").toFile());
                // the methods of a seed share the warm start and the RL seed
                assertEquals(warm.toString(), config.get("model_path").asText());
                assertEquals(seed, config.get("seed").asInt());
                assertEquals(1.0, config.get("action_bias").asDouble());
                assertEquals(3, config.get("soft_top_k").asInt());
                assertEquals(2, MetricsLog.read(run).size());
                JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
                after[seed][m] = summary.get("after").get("sampled_avg_at_k").asDouble();
                pass[seed][m] = summary.get("after").get("pass_at_k").asDouble();
                for (String line : Files.readAllLines(run.resolve("heldout_completions.jsonl"))) {
                    JsonNode row = JSON.readTree(line);
                    Matcher mt = prompt.matcher(row.get("prompt").asText());
                    assertTrue(mt.matches(), row.get("prompt").asText());
                    String[] operands = (mt.group(1) + mt.group(2)).split("[-+*]");
                    assertEquals(2, operands.length, row.get("prompt").asText());
                    for (String x : operands) assertTrue(Integer.parseInt(x) >= 1 && Integer.parseInt(x) <= 5, row.get("prompt").asText());
                    assertEquals(row.get("tokens").size(), row.get("entropies").size(), "an entropy per step");
                }
            }
        }
        assertNotEquals(s.get("warm_starts").get("0"), s.get("warm_starts").get("1"), "per_seed: a warm start per seed");

        JsonNode avg = o.get("paired").get("tarpo_minus_grpo").get("sampled_avg_at_k");
        JsonNode passD = o.get("paired").get("tarpo_minus_grpo").get("pass_at_k");
        double d0 = after[0][1] - after[0][0], d1 = after[1][1] - after[1][0];
        // one operation of operands up to 5 and 40 SFT steps: some answers right, and the seeds' differences differ,
        // so a pairing across the wrong seeds or methods would show
        assertNotEquals(d0, d1, "the seeds' differences differ: " + java.util.Arrays.deepToString(after));
        assertEquals(d0, avg.get("per_seed").get(0).asDouble(), 1e-12);
        assertEquals(d1, avg.get("per_seed").get(1).asDouble(), 1e-12);
        assertEquals((d0 + d1) / 2, avg.get("mean").asDouble(), 1e-12);
        // two seeds: s = |d0 - d1|/√2, half-width t(0.975, 1) · s/√2 = 12.7062047 · |d0 - d1|/2
        assertEquals(12.7062047362 * Math.abs(d0 - d1) / 2, avg.get("ci95").asDouble(), 1e-9);
        assertEquals(pass[0][1] - pass[0][0], passD.get("per_seed").get(0).asDouble(), 1e-12);
        JsonNode tarpo = o.get("aggregate").get("tarpo").get("after");
        assertEquals((after[0][1] + after[1][1]) / 2, tarpo.get("sampled_avg_at_k").asDouble(), 1e-12);
        assertTrue(tarpo.has("pass_at_k_ci95"));

        // the report of the comparison: the paired table and the routing study over both seeds
        var report = CliRunner.run("report", dir.toString());
        assertEquals(0, report.exitCode(), report.err());
        String page = Files.readString(dir.resolve("report").resolve("report.html"));
        assertTrue(page.contains("tarpo - grpo"), "paired differences in the report");
        assertTrue(page.contains("Routing with uncertainty") && page.contains("in 2 run(s) (seeds)"), "both TARPO seeds");
        for (String png : List.of("soft_by_chain_class.png", "soft_by_entropy.png", "soft_by_position.png", "accuracy_by_soft_share.png")) {
            assertTrue(page.contains(png), png);
            assertTrue(javax.imageio.ImageIO.read(dir.resolve("report").resolve(png).toFile()).getWidth() == 720, png);
        }
    }

    @Test
    void badKnobsGiveAOneLineErrorBeforeAnythingRuns(@TempDir Path runs) {
        for (List<String> bad : List.of(List.of("--operations", "3-x"), List.of("--hidden_size", "30"), List.of("--warm_start", "each"),
                List.of("--soft-top-k", "0"))) {
            String[] args = new String[4 + bad.size()];
            args[0] = "compare";
            args[1] = "--runs";
            args[2] = runs.toString();
            args[3] = "--json";
            for (int i = 0; i < bad.size(); i++) args[4 + i] = bad.get(i);
            var r = CliRunner.run(args);
            assertEquals(1, r.exitCode(), bad + ": " + r.err());
            String option = bad.get(0).replace("--", "").replace('-', '_');
            assertTrue(r.err().startsWith("compare: error: ") && r.err().strip().lines().count() == 1, r.err());
            assertTrue(r.err().contains(option.equals("operations") ? "--operations" : option), bad + ": " + r.err());
            assertEquals("", r.out());
        }
    }
}

package org.tarpo4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.examples.embedded.EmbeddedLayout;
import org.tarpo4j.examples.embedded.EmbeddedPreset;
import org.tarpo4j.examples.embedded.EmbeddedRun;
import org.tarpo4j.examples.report.ReportWriter;
import org.tarpo4j.hpo.CandidateResult;
import org.tarpo4j.hpo.Sweep;
import org.tarpo4j.hpo.SweepLog;
import org.tarpo4j.hpo.SweepParameter;
import org.tarpo4j.rl.train.MetricsLog;
import org.tarpo4j.rl.train.TarpoConfig;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tarpo sweep} end to end: real Arbiter, real warm start and RL on the tiny preset. */
class SweepCommandTest {
    private static final Path TINY_SWEEP = Path.of("configs", "sweep-tiny.yaml");

    @Test
    void helpDescribesTheCommandAndItsFiles() {
        var r = CliRunner.run("sweep", "--help");
        assertEquals(0, r.exitCode(), r.err());
        for (String s : List.of("--config", "--search", "--candidates", "--preset", "--runs", "sweep.jsonl", "heatmap.png", "best_config.json")) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
        assertTrue(CliRunner.run("--help").out().contains("sweep"), "listed by tarpo --help");
    }

    @Test
    void tinyGridSweepTrainsEachCandidateAndWritesResults(@TempDir Path runs) throws Exception {
        var r = CliRunner.run("sweep", "--config", TINY_SWEEP.toString(), "--preset", "tiny", "--runs", runs.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        Path dir;
        try (Stream<Path> s = Files.list(runs)) {
            dir = s.filter(p -> p.getFileName().toString().endsWith("-sweep")).findFirst().orElseThrow();
        }

        List<CandidateResult> results = SweepLog.read(dir.resolve(Sweep.JSONL));
        assertEquals(4, results.size());
        for (CandidateResult c : results) {
            assertTrue(c.complete(), c.toString());
            assertTrue(c.score() >= 0 && c.score() <= 1);
            Path run = Path.of(c.dir());
            assertEquals(2, MetricsLog.read(run).size(), "the sweep's max_steps override reached the trainer");
            TarpoConfig used = TarpoConfig.read(run.resolve("trainer_config.json"), Map.of());
            assertEquals(c.value(SweepParameter.ACTION_BIAS), used.actionBias);
            assertEquals(c.value(SweepParameter.BETA), used.beta, 1e-15);
            assertEquals(run.toString(), used.outputDir, "the saved config says where the run went");
        }
        assertEquals(List.of(0.001, 0.01), results.stream().map(c -> c.value(SweepParameter.BETA)).distinct().sorted().toList());

        String[] table = Files.readString(dir.resolve(Sweep.TABLE)).strip().split("\n");
        assertEquals(5, table.length);
        assertTrue(r.out().contains(table[1]), "the table is printed");
        assertTrue(r.out().contains("[sweep 4/4]"), r.out());
        assertNotNull(ImageIO.read(dir.resolve(Sweep.HEAT_MAP).toFile()));

        TarpoConfig best = TarpoConfig.read(dir.resolve(Sweep.BEST_CONFIG), Map.of());
        String bestIndex = table[1].trim().split("\\s+")[1];
        CandidateResult top = results.stream().filter(c -> Integer.toString(c.index()).equals(bestIndex)).findFirst().orElseThrow();
        assertEquals(top.value(SweepParameter.ACTION_BIAS), best.actionBias);
        assertEquals(top.value(SweepParameter.BETA), best.beta, 1e-15);
        assertEquals(EmbeddedLayout.warmStart(runs, EmbeddedPreset.TINY, 0).toString(), best.modelPath);
        assertEquals(org.tarpo4j.models.latent.LatentMode.TARPO, best.mode);
        assertTrue(Files.exists(dir.resolve("sweep-definition.yaml")));
        assertTrue(Files.exists(Path.of(top.dir()).resolve(EmbeddedRun.SUMMARY)));
        assertTrue(Files.exists(ReportWriter.write(Path.of(top.dir()))), "a candidate's run (no accuracy before RL) has a report");

        var again = CliRunner.run("train", "--config", dir.resolve(Sweep.BEST_CONFIG).toString(), "--preset", "tiny", "--runs", runs.toString());
        assertEquals(0, again.exitCode(), "the best config runs again: " + again.err());
        assertTrue(again.out().contains("after"), again.out());
        // the config saved with that run is the one that ran: the best config as is, in the run's own directory
        String line = again.out().lines().filter(l -> l.startsWith("run: ")).findFirst().orElseThrow();
        Path rerun = Path.of(line.substring("run: ".length()).trim());
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var saved = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(rerun.resolve("trainer_config.json").toFile());
        var wanted = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(dir.resolve(Sweep.BEST_CONFIG).toFile());
        assertEquals(rerun.toString(), saved.remove("output_dir").asText());
        wanted.remove("output_dir");
        assertEquals(wanted, saved);
    }

    @Test
    void anUnknownMetricFailsBeforeAnyTraining(@TempDir Path runs) throws Exception {
        Path f = runs.resolve("bad.yaml");
        Files.writeString(f, "metric: loss\nparameters: {beta: {values: [0]}}\n");
        var r = CliRunner.run("sweep", "--config", f.toString(), "--preset", "tiny", "--runs", runs.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("metric must be one of"), r.err());
        assertTrue(Files.notExists(EmbeddedLayout.warmStart(runs, EmbeddedPreset.TINY, 0)), "no warm start was trained");
    }
}

package org.tarpo4j.examples.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.MetricsLog;
import org.tarpo4j.rl.train.TarpoConfig;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report of one run directory: what it says about smoothing, the KL term and the run's hyper-parameters. */
class ReportWriterTest {
    /** A run directory as the trainer leaves it: 45 steps of metrics and the config that ran. */
    private static Path run(Path dir, double beta) throws Exception {
        Files.createDirectories(dir);
        StringBuilder lines = new StringBuilder();
        for (int step = 1; step <= 45; step++) {
            lines.append(String.format(Locale.ROOT, "{\"step\": %d, \"reward\": %.3f, \"kl\": %.5f, \"soft_ratio\": 0.1, "
                    + "\"completions/mean_length\": 20}%n", step, 0.3 + 0.01 * (step % 7), beta > 0 ? 1e-4 * step : 0.0));
        }
        Files.writeString(dir.resolve(MetricsLog.METRICS), lines);
        Files.writeString(dir.resolve(CheckpointManager.CONFIG), TarpoConfig.defaults(Map.of("beta", Double.toString(beta),
                "max_steps", "45", "output_dir", dir.toString())).toJson());
        return dir;
    }

    @Test
    void aRunWithAKlTermPlotsItAndTheCurvesSayHowTheyAreSmoothed(@TempDir Path tmp) throws Exception {
        Path html = ReportWriter.write(run(tmp.resolve("with-kl"), 0.01));
        String page = Files.readString(html);
        assertEquals(3, ReportWriter.smoothingWindow(45));
        assertTrue(page.contains("moving average over 3 steps, raw values faint"), page);
        assertNotNull(ImageIO.read(html.resolveSibling("kl.png").toFile()));
        assertTrue(page.contains("kl.png") && !page.contains("No KL term"));
        assertTrue(page.contains("<h2>Hyper-parameters</h2>"), page);
        assertTrue(page.contains("<tr><td>beta</td><td>0.01</td></tr>"), "the run's beta in the table");
        assertTrue(page.contains("<tr><td>max_steps</td><td>45</td></tr>"));
        assertFalse(page.contains("<td>output_dir</td>"), "a run's own directory is no hyper-parameter");
    }

    @Test
    void withBetaZeroTheReportSaysThereIsNoKlTermInsteadOfPlottingAFlatZero(@TempDir Path tmp) throws Exception {
        Path html = ReportWriter.write(run(tmp.resolve("no-kl"), 0.0));
        String page = Files.readString(html);
        assertTrue(page.contains("No KL term"), page);
        assertFalse(page.contains("kl.png"));
        assertFalse(Files.exists(html.resolveSibling("kl.png")));
    }

    @Test
    void hyperParametersSplitIntoSharedAndDiffering(@TempDir Path tmp) throws Exception {
        RunData a = RunData.read(run(tmp.resolve("a"), 0.0)), b = RunData.read(run(tmp.resolve("b"), 0.02));
        HyperParameters h = HyperParameters.of(List.of(a, b));
        assertEquals(List.of("a", "b"), h.runs());
        assertEquals(Map.of("beta", List.of("0.0", "0.02")), h.differing());
        assertEquals("45", h.shared().get("max_steps"));
        assertFalse(h.shared().containsKey("output_dir"));
    }

    @Test
    void aTokenClassWithFewStepsIsMarked() {
        assertEquals("digits (n=1234)", RoutingStats.label(TokenClass.DIGITS, 1234));
        assertEquals("digits (n=20)", RoutingStats.label(TokenClass.DIGITS, 20));
        assertEquals("special (n=19, few)", RoutingStats.label(TokenClass.SPECIAL, 19));
    }
}

package org.tarpo4j.examples.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.examples.embedded.EmbeddedRun;
import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.MetricsLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One run directory's logs: per-step metrics, the summary, held-out completions with their routes, the trainer config. */
public record RunData(String name, Path dir, List<Map<String, Object>> metrics, JsonNode summary, List<JsonNode> heldOut,
                      JsonNode config) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static RunData read(Path dir) throws IOException {
        JsonNode summary = Files.exists(dir.resolve(EmbeddedRun.SUMMARY)) ? JSON.readTree(dir.resolve(EmbeddedRun.SUMMARY).toFile()) : null;
        List<JsonNode> held = new ArrayList<>();
        Path f = dir.resolve(EmbeddedRun.HELD_OUT_COMPLETIONS);
        if (Files.exists(f)) for (String line : Files.readAllLines(f)) if (!line.isBlank()) held.add(JSON.readTree(line));
        Path c = dir.resolve(CheckpointManager.CONFIG); // none for a COCONUT run, which is not RL
        JsonNode config = Files.exists(c) ? JSON.readTree(c.toFile()) : null;
        return new RunData(dir.getFileName().toString(), dir, MetricsLog.read(dir), summary, held, config);
    }

    /** Whether the run's objective had a KL term (its config's beta above 0). */
    public boolean hasKlTerm() { return config != null && config.path("beta").asDouble(0) > 0; }

    public String mode() { return summary == null ? name : summary.path("mode").asText(name); }

    public double[] series(String metric) {
        double[] v = new double[metrics.size()];
        for (int i = 0; i < v.length; i++) {
            Object o = metrics.get(i).get(metric);
            v[i] = o instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        return v;
    }

    public double[] steps() {
        double[] s = new double[metrics.size()];
        for (int i = 0; i < s.length; i++) s[i] = ((Number) metrics.get(i).get("step")).doubleValue();
        return s;
    }
}

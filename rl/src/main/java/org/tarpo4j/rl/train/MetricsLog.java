package org.tarpo4j.rl.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.rl.data.Problem;
import org.tarpo4j.rl.policy.Completion;
import org.tarpo4j.rl.rollout.TextDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's logs: {@value #METRICS} (one JSON object per step) and {@value #COMPLETIONS} (sampled completions with
 * their soft steps marked as {@code ⟨token⟩}, reward and advantage), appended line by line.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class MetricsLog {
    public static final String METRICS = "metrics.jsonl";
    public static final String COMPLETIONS = "completions.jsonl";
    public static final String SOFT_OPEN = "⟨", SOFT_CLOSE = "⟩";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final TextDecoder text;

    public MetricsLog(Path dir, TextDecoder text) throws IOException {
        this.dir = dir;
        this.text = text;
        Files.createDirectories(dir);
    }

    void write(StepMetrics m) throws IOException {
        append(METRICS, JSON.writeValueAsString(m.values()));
    }

    void writeCompletions(int step, List<Problem> problems, List<Completion> completions, double[] reward, double[] adv)
            throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < completions.size(); i++) {
            Completion c = completions.get(i);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", step);
            row.put("prompt", problems.get(c.promptIndex()).prompt());
            row.put("completion", text == null ? null : markSoftSteps(c, text));
            row.put("reward", reward[i]);
            row.put("advantage", adv[i]);
            row.put("soft_steps", c.softSteps());
            lines.append(JSON.writeValueAsString(row)).append('\n');
        }
        Files.writeString(dir.resolve(COMPLETIONS), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The completion's text with every token whose input was soft wrapped in ⟨⟩. */
    public static String markSoftSteps(Completion c, TextDecoder text) {
        StringBuilder b = new StringBuilder();
        for (int t = 0; t < c.length(); t++) {
            String s = text.token(c.tokens()[t]);
            b.append(c.routes()[t] == 1 ? SOFT_OPEN + s + SOFT_CLOSE : s);
        }
        return b.toString();
    }

    /** Drops log lines of steps after {@code step} (a resumed run rewrites them). */
    void truncateAfter(int step) throws IOException {
        for (String name : List.of(METRICS, COMPLETIONS)) {
            Path f = dir.resolve(name);
            if (!Files.exists(f)) continue;
            List<String> keep = new ArrayList<>();
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    if (JSON.readTree(line).path("step").asInt() <= step) keep.add(line);
                } catch (IOException e) {
                    break; // a line cut short by a crash: everything after it is dropped too
                }
            }
            // written aside and renamed over: a crash here must not lose the lines of the steps being kept
            Path tmp = dir.resolve("." + name + ".tmp");
            Files.write(tmp, keep, StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** All metric lines of a run directory, in order. */
    public static List<Map<String, Object>> read(Path dir) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        Path f = dir.resolve(METRICS);
        if (!Files.exists(f)) return out;
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) out.add(JSON.readValue(line, LinkedHashMap.class));
        }
        return out;
    }

    private void append(String file, String line) throws IOException {
        Files.writeString(dir.resolve(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}

package org.tarpo4j.tests.kill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.MetricsLog;
import org.tarpo4j.rl.train.TarpoConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What a training run directory holds, read independently of the trainer's own recovery code. */
final class RunDirectory {
    /** Every file a full fine-tuning checkpoint must hold. */
    static final List<String> CHECKPOINT_FILES = List.of("config.json", "model.safetensors", "latent_heads.safetensors",
            CheckpointManager.OPTIMIZER, CheckpointManager.STATE, CheckpointManager.CONFIG, "tokenizer.json", "tokenizer_config.json");
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");
    private static final Pattern TEMPORARY = Pattern.compile("\\.checkpoint-(\\d+)\\.tmp-.*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    RunDirectory(Path dir) {
        this.dir = dir;
    }

    private List<Path> entries() throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** The steps of the {@code checkpoint-N} directories, ascending. */
    List<Integer> checkpointSteps() throws IOException {
        List<Integer> steps = new ArrayList<>();
        for (Path p : entries()) {
            Matcher m = CHECKPOINT.matcher(p.getFileName().toString());
            if (m.matches() && Files.isDirectory(p)) steps.add(Integer.parseInt(m.group(1)));
        }
        steps.sort(null);
        return steps;
    }

    /** Hidden leftovers of a checkpoint write or deletion ({@code .checkpoint-N.tmp-*} and the like). */
    List<String> temporaries() throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : entries()) if (p.getFileName().toString().startsWith(".checkpoint-")) out.add(p.getFileName().toString());
        return out;
    }

    /** Whether a checkpoint of step {@code atLeast} or later is being written: a temporary not in {@code leftBefore}. */
    boolean writingCheckpoint(int atLeast, List<String> leftBefore) throws IOException {
        for (String t : temporaries()) {
            Matcher m = TEMPORARY.matcher(t);
            if (m.matches() && Integer.parseInt(m.group(1)) >= atLeast && !leftBefore.contains(t)) return true;
        }
        return false;
    }

    /** Lines of metrics.jsonl written so far (the last may be cut short by a kill). */
    int metricLines() throws IOException {
        Path f = dir.resolve(MetricsLog.METRICS);
        if (!Files.exists(f)) return 0;
        try (Stream<String> lines = Files.lines(f)) {
            return (int) lines.filter(l -> !l.isBlank()).count();
        }
    }

    /** The metrics of every step without the timings, which differ from run to run. */
    List<Map<String, Object>> metricsWithoutTimings() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> line : MetricsLog.read(dir)) {
            Map<String, Object> m = new LinkedHashMap<>(line);
            m.keySet().removeIf(org.tarpo4j.rl.train.StepMetrics::measuresTheMachine);
            out.add(m);
        }
        return out;
    }

    Path checkpoint(int step) {
        return CheckpointManager.directory(dir, step);
    }

    /**
     * Fails unless {@code checkpoint-<step>} is whole: every file there, the model loads (config, weights, latent heads,
     * tokenizer), the optimizer moments are finite, the trainer state is that step's and the config reads back.
     */
    void requireComplete(int step) throws IOException {
        Path c = checkpoint(step);
        for (String f : CHECKPOINT_FILES) {
            if (!Files.isRegularFile(c.resolve(f))) throw new AssertionError(c + " is half-written: no " + f);
        }
        try (CausalLm model = CausalLm.fromPretrained(c)) {
            if (model.parameters().count() == 0) throw new AssertionError(c + ": no parameters");
        }
        try (SafeTensorsFile f = SafeTensorsFile.open(c.resolve(CheckpointManager.OPTIMIZER))) {
            for (String name : f.names()) f.readFloat(name, true);
        }
        JsonNode state = JSON.readTree(c.resolve(CheckpointManager.STATE).toFile());
        if (state.path("step").asInt(-1) != step) throw new AssertionError(c + ": trainer state of step " + state.path("step"));
        TarpoConfig.fromJson(Files.readString(c.resolve(CheckpointManager.CONFIG)));
    }
}

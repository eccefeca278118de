package org.tarpo4j.rl.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.io.AtomicDirectory;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.models.io.SafeTensorsWriter;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.models.training.AdamW;
import org.tarpo4j.rl.policy.Policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints {@code checkpoint-<step>/} in the run directory, each written whole under a temporary name and renamed,
 * so a crash at any moment leaves only complete checkpoints. Full fine-tuning saves a Hugging Face model directory;
 * LoRA saves PEFT adapters. Both add the latent heads, the optimiser moments ({@value #OPTIMIZER}), the trainer state
 * ({@value #STATE}) and the config ({@value #CONFIG}). Only the newest {@value #KEEP} are kept.
 *
 * <p>Internal: public for the other modules of tarpo4j, may change without notice.
 */
public final class CheckpointManager {
    public static final String OPTIMIZER = "optimizer.safetensors";
    /** Ours, not Hugging Face's {@code trainer_state.json} (another schema under the same name would mislead). */
    public static final String STATE = "resume_state.json";
    public static final String CONFIG = "trainer_config.json";
    public static final int KEEP = 2;
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final Pattern TEMPORARY = Pattern.compile("\\.checkpoint-(\\d+)\\.(tmp|old|del)-.*");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final Path runDir;
    private final TarpoConfig config;

    public CheckpointManager(Path runDir, TarpoConfig config) {
        this.runDir = runDir;
        this.config = config;
    }

    public static Path directory(Path runDir, int step) { return runDir.resolve("checkpoint-" + step); }

    void save(int step, TrainerState state, Policy policy, AdamW optimizer) throws IOException {
        AtomicDirectory.write(directory(runDir, step), tmp -> {
            Parameters params = policy.model().parameters();
            if (policy.lora() != null) {
                LoraAdapters.save(tmp, params, policy.lora(), config.modelPath == null ? "" : config.modelPath);
                LatentHeads.save(tmp, params);
            } else {
                policy.model().writeTo(tmp, SafeTensorsDType.F32, Long.MAX_VALUE);
            }
            SafeTensorsWriter.write(tmp.resolve(OPTIMIZER), optimizer.state(), SafeTensorsDType.F32, Map.of("format", "pt"));
            Files.writeString(tmp.resolve(STATE), JSON.writeValueAsString(state));
            Files.writeString(tmp.resolve(CONFIG), config.toJson());
        });
        prune();
    }

    /** Restores the newest checkpoint into the live arrays; null when the run has none. */
    TrainerState loadLatest(Policy policy, AdamW optimizer) throws IOException {
        List<Integer> steps = steps(runDir);
        if (steps.isEmpty()) return null;
        Path dir = directory(runDir, steps.get(steps.size() - 1));
        TrainerState state = JSON.readValue(dir.resolve(STATE).toFile(), TrainerState.class);
        Parameters params = policy.model().parameters();
        if (Files.exists(dir.resolve(LoraAdapters.WEIGHTS))) {
            LoraAdapters.load(dir, params);
            LatentHeads.load(dir, policy.model().config(), params);
        } else {
            policy.model().loadWeightsFrom(dir);
        }
        Map<String, INDArray> moments = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensorsFile.open(dir.resolve(OPTIMIZER))) {
            for (String name : f.names()) moments.put(name, f.readFloat(name, true));
        }
        optimizer.restore(moments, state.optimizerSteps());
        return state;
    }

    /** Steps of the complete checkpoints in a run directory, ascending. */
    public static List<Integer> steps(Path runDir) throws IOException {
        List<Integer> out = new ArrayList<>();
        if (!Files.isDirectory(runDir)) return out;
        List<Path> entries;
        try (Stream<Path> s = Files.list(runDir)) {
            entries = s.toList();
        }
        for (Path p : entries) {
            // leftovers of a crash mid-write or mid-deletion: put back a checkpoint set aside, delete partial ones
            Matcher t = TEMPORARY.matcher(p.getFileName().toString());
            if (t.matches()) AtomicDirectory.recover(directory(runDir, Integer.parseInt(t.group(1))));
        }
        try (Stream<Path> s = Files.list(runDir)) {
            s.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p.resolve(STATE))) out.add(Integer.parseInt(m.group(1)));
            });
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private void prune() throws IOException {
        List<Integer> steps = steps(runDir);
        // renamed away first: a crash mid-deletion must not leave a half-deleted checkpoint-N behind
        for (int i = 0; i < steps.size() - KEEP; i++) AtomicDirectory.delete(directory(runDir, steps.get(i)));
    }
}

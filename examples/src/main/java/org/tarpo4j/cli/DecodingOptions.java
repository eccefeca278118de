package org.tarpo4j.cli;

import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.TarpoConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code eval} and {@code generate} decode (a picocli mixin): as the model was trained when its directory holds the
 * run's {@value CheckpointManager#CONFIG} (mode, soft inputs, router, answer marker, sampling, banned ids), else with
 * the trainer's defaults in plain ({@code grpo}) mode; any option given here overrides either.
 */
final class DecodingOptions {
    @Option(names = "--mode", description = "tarpo, grpo or hrpo (default: the checkpoint's trainer config, else grpo: "
            + "plain decoding, no fresh router)")
    String mode;

    @Option(names = "--temperature", description = "token sampling temperature (default: the checkpoint's trainer "
            + "config, else the trainer's default; see train --help)")
    Double temperature;

    @Option(names = "--top-k", description = "keep the k most likely tokens, 0 = all (default: as --temperature)")
    Integer topK;

    @Option(names = "--top-p", description = "nucleus sampling threshold (default: as --temperature)")
    Double topP;

    @Option(names = "--action-bias", description = "router b0 when the model has no router yet (default: as --temperature)")
    Double actionBias;

    @Option(names = "--answer-marker", description = "answer marker: routes are hard after it, and the answer is read "
            + "after it (default: as --temperature)")
    String answerMarker;

    /** The settings in force and where they came from. */
    record Resolved(TarpoConfig config, Optional<Path> source) {
        /** E.g. {@code "runs/x/checkpoint-150/trainer_config.json"} or {@code "defaults"}. */
        String describe() { return source.map(Path::toString).orElse("trainer defaults, grpo mode"); }
    }

    /**
     * The trainer config found first in {@code dirs} (a checkpoint, or the adapter of one), else the defaults in grpo
     * mode, with the options given here applied.
     */
    Resolved resolve(Path... dirs) throws IOException {
        Optional<Path> file = Optional.empty();
        for (Path d : dirs) {
            if (d != null && Files.isRegularFile(d.resolve(CheckpointManager.CONFIG))) {
                file = Optional.of(d.resolve(CheckpointManager.CONFIG));
                break;
            }
        }
        Map<String, String> given = new LinkedHashMap<>();
        if (file.isEmpty()) given.put("mode", "grpo"); // a plain model decodes plainly unless asked
        put(given, "mode", mode);
        put(given, "temperature", temperature);
        put(given, "top_k", topK);
        put(given, "top_p", topP);
        put(given, "action_bias", actionBias);
        if (actionBias != null) given.put("initial_hard_probability", "null"); // which would otherwise win over b0
        if (answerMarker != null) given.put("answer_marker", org.tarpo4j.cli.CliSupport.json(answerMarker));
        TarpoConfig c = file.isPresent() ? TarpoConfig.read(file.get(), given) : TarpoConfig.defaults(given);
        return new Resolved(c, file);
    }

    private static void put(Map<String, String> m, String key, Object value) {
        if (value != null) m.put(key, value.toString());
    }

    /**
     * A model directory as given, or, for a run directory (no {@code config.json}, but checkpoints), its newest
     * complete checkpoint.
     */
    static Path modelDirectory(String reference) throws IOException {
        Path dir = org.tarpo4j.models.hub.ModelResolver.fromEnvironment().resolve(reference); // a directory or a hub id
        if (Files.isRegularFile(dir.resolve("config.json"))) return dir;
        List<Integer> steps = CheckpointManager.steps(dir);
        return steps.isEmpty() ? dir : CheckpointManager.directory(dir, steps.get(steps.size() - 1));
    }
}

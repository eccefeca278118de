package org.tarpo4j.rl.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Run-config faults the fuzz suite found: each is an error naming the file and the key, never a crash or a guess. */
class TarpoConfigReadTest {
    @TempDir Path dir;

    private static final String BASE = "\"model_path\": \"m\", \"train_data\": \"d\"";

    private Path json(String extra) throws IOException {
        return Files.writeString(dir.resolve("run.json"), "{" + BASE + (extra.isEmpty() ? "" : ", " + extra) + "}");
    }

    /** Reading fails with a message naming the file and the key. */
    private void rejected(Path file, Map<String, String> overrides, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TarpoConfig.read(file, overrides), key);
        String m = e.getMessage();
        assertTrue(m.contains(file.getFileName().toString()), m);
        assertTrue(m.contains(key), "'" + key + "' not in: " + m);
    }

    @Test
    void aValidConfigReads() throws IOException {
        TarpoConfig c = TarpoConfig.read(json("\"max_steps\": 7, \"learning_rate\": \"1e-5\""), Map.of("beta", "0.01"));
        assertEquals(7, c.maxSteps);
        assertEquals(1e-5, c.learningRate);
        assertEquals(0.01, c.beta);
    }

    @Test
    void theNamedSettingsReadAsEnumsFromTheirConfigNamesAndWriteThemBack() throws IOException {
        TarpoConfig c = TarpoConfig.read(json("\"mode\": \"HRPO\", \"loss_type\": \"dr_grpo\", \"scale_rewards\": false, "
                + "\"lr_scheduler_type\": \"constant_with_warmup\", \"soft_input_source\": \"hidden\", \"reference_context\": \"mixed\""), Map.of());
        assertEquals(org.tarpo4j.models.latent.LatentMode.HRPO, c.mode);
        assertEquals(org.tarpo4j.rl.core.LossType.DR_GRPO, c.lossType);
        assertEquals(org.tarpo4j.rl.core.Advantages.ScaleRewards.NONE, c.scaleRewards);   // TRL's older boolean
        assertEquals(LrSchedulerType.CONSTANT_WITH_WARMUP, c.lrSchedulerType);
        assertEquals(org.tarpo4j.models.training.LearningRateSchedule.Kind.CONSTANT, c.lrSchedulerType.kind());
        assertTrue(c.softInput().hiddenState());
        assertEquals(ReferenceContext.MIXED, c.referenceContext);
        String saved = c.toJson();
        for (String pair : new String[]{"\"mode\" : \"hrpo\"", "\"loss_type\" : \"dr_grpo\"", "\"scale_rewards\" : \"none\"",
                "\"lr_scheduler_type\" : \"constant_with_warmup\"", "\"soft_input_source\" : \"hidden\"", "\"reference_context\" : \"mixed\""}) {
            assertTrue(saved.contains(pair), pair + " not in " + saved);
        }
        assertEquals(org.tarpo4j.rl.core.Advantages.ScaleRewards.BATCH, TarpoConfig.read(json(""), Map.of("scale_rewards", "batch")).scaleRewards);
        rejected(json("\"mode\": \"ppo\""), Map.of(), "mode");
        rejected(json("\"soft_input_source\": \"mean\""), Map.of(), "soft_input_source");
        rejected(json("\"reference_context\": [1]"), Map.of(), "reference_context");
        rejected(json(""), Map.of("lr_scheduler_type", "polynomial"), "lr_scheduler_type");
        rejected(json(""), Map.of("scale_rewards", "std"), "scale_rewards");
    }

    @Test
    void aFractionOrAnOverflowForAnIntegerKeyIsAnError() throws IOException {
        rejected(json("\"max_steps\": 7.5"), Map.of(), "max_steps");                 // used to be read as 7
        rejected(json(""), Map.of("max-completion-length", "2.5"), "max_completion_length");
        rejected(json("\"num_generations\": 68719476736"), Map.of(), "num_generations"); // message named no key
    }

    @Test
    void nullsAndWrongTypesNameTheKey() throws IOException {
        for (String key : new String[]{"mode", "loss_type", "scale_rewards", "lr_scheduler_type", "reference_context",
                "soft_input_source", "output_dir", "data_format", "lora_targets", "seed", "beta"}) {
            rejected(json("\"" + key + "\": null"), Map.of(), key);               // NullPointerException or no key named
        }
        rejected(json("\"use_lora\": \"abc\""), Map.of(), "use_lora");
        rejected(json("\"prompts_per_step\": true"), Map.of(), "prompts_per_step"); // used to be read as 1
        rejected(json("\"initial_hard_probability\": \"\""), Map.of(), "initial_hard_probability");
        rejected(json("\"reward_weights\": {\"gsm8k\": null}"), Map.of(), "reward_weights");
    }

    @Test
    void keysGivenTwiceAreAnError() throws IOException {
        rejected(json("\"beta\": 0.1, \"beta\": 0.2"), Map.of(), "beta");
        rejected(json("\"learning_rate\": 0.1, \"learningRate\": 0.2"), Map.of(), "learning_rate");
        Path yaml = Files.writeString(dir.resolve("run.yaml"), "model_path: m\nmax_steps: 3\nmax_steps: 4\n");
        rejected(yaml, Map.of(), "max_steps");
    }

    @Test
    void outOfRangeValuesThatUsedToPass() throws IOException {
        rejected(json("\"adam_epsilon\": 0"), Map.of(), "adam_epsilon");
        rejected(json(""), Map.of("action_bias", "NaN"), "action_bias");
        rejected(json("\"data_format\": \"csv\""), Map.of(), "data_format");     // used to fail only after the model loaded
        rejected(json("\"banned_token_ids\": [3, -7]"), Map.of(), "banned_token_ids");
        rejected(json("\"use_lora\": true, \"lora_rank\": 0"), Map.of(), "lora_rank");
        rejected(json("\"use_lora\": true, \"lora_targets\": [\"nope_proj\"]"), Map.of(), "lora_targets");
        rejected(json("\"loss_type\": \"nope\""), Map.of(), "loss_type");
    }

    @Test
    void brokenDocumentsNameTheFile() throws IOException {
        Path trailing = Files.writeString(dir.resolve("t.json"), "{" + BASE + "} {}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TarpoConfig.read(trailing, Map.of())).getMessage()
                .contains("t.json"));
        Path empty = Files.writeString(dir.resolve("e.yaml"), "");
        String m = assertThrows(IllegalArgumentException.class, () -> TarpoConfig.read(empty, Map.of())).getMessage();
        assertTrue(m.contains("e.yaml") && m.contains("empty"), m);
    }

    @Test
    void everyKeyIsSnakeCaseWithADefaultAndADescription() throws IOException {
        java.util.List<TarpoConfig.Key> keys = TarpoConfig.keys();
        assertTrue(keys.size() > 40, "keys: " + keys.size());
        for (TarpoConfig.Key k : keys) {
            assertTrue(k.name().matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"), "not snake_case: " + k.name());
            assertTrue(k.description().length() > 10, "no description: " + k.name());
        }
        // the listed keys are exactly what a saved config holds, and a file of every key at its default reads back
        var saved = new com.fasterxml.jackson.databind.ObjectMapper().readTree(TarpoConfig.defaults(Map.of()).toJson());
        java.util.List<String> savedKeys = new java.util.ArrayList<>();
        saved.fieldNames().forEachRemaining(savedKeys::add);
        assertEquals(keys.stream().map(TarpoConfig.Key::name).toList(), savedKeys);
        StringBuilder file = new StringBuilder("{");
        for (TarpoConfig.Key k : keys) file.append(file.length() > 1 ? ", " : "").append('"').append(k.name()).append("\": ").append(k.defaultValue());
        Path all = Files.writeString(dir.resolve("all.json"), file.append('}').toString());
        assertEquals(TarpoConfig.defaults(Map.of()).toJson(), TarpoConfig.read(all, Map.of()).toJson());
        String table = TarpoConfig.keyTable();
        String flat = table.replaceAll("\\s+", " ");
        for (TarpoConfig.Key k : keys) assertTrue(flat.contains(" " + k.name() + " = " + k.defaultValue() + " " + k.description()), k.name());
    }

    @Test
    void camelCaseKeysAreUnknownAndTheErrorSaysTheSnakeCaseName() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TarpoConfig.read(json("\"maxSteps\": 3"), Map.of()));
        assertTrue(e.getMessage().contains("unknown key 'maxSteps'") && e.getMessage().contains("'max_steps'"), e.getMessage());
        // on the command line a dash is an underscore
        assertEquals(3, TarpoConfig.read(json(""), Map.of("max-steps", "3")).maxSteps);
        assertEquals(4, TarpoConfig.read(json(""), Map.of("max_steps", "4")).maxSteps);
        rejected(json(""), new java.util.LinkedHashMap<>(Map.of("max-steps", "3", "max_steps", "4")), "max_steps");
    }

    @Test
    void aSavedConfigIsSnakeCaseAndReadsBackAsIs() throws IOException {
        TarpoConfig c = TarpoConfig.read(json("\"max_steps\": 7, \"output_dir\": \"runs/x\""), Map.of("beta", "0.01"));
        String saved = c.toJson();
        assertTrue(saved.contains("\"max_steps\" : 7") && saved.contains("\"output_dir\" : \"runs/x\""), saved);
        assertTrue(!saved.matches("(?s).*\"[a-z]+[A-Z]\\w*\" :.*"), "a camelCase key in: " + saved);
        Path file = Files.writeString(dir.resolve("trainer_config.json"), saved);
        assertEquals(saved, TarpoConfig.read(file, Map.of()).toJson());
    }
}

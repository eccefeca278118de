package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.CheckpointManager;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code soak} takes config keys as {@code --key value}, as {@code train} does, except the ones it sets itself. */
class SoakCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void configKeysOnTheCommandLineReachTheRunAndTheKeysSoakSetsAreRefused(@TempDir Path tmp) throws Exception {
        Path model = TinyQwenFixture.create(tmp.resolve("qwen-tiny"));
        Path train = tmp.resolve("gsm8k.jsonl");
        Files.writeString(train, JSON.writeValueAsString(java.util.Map.of("question", "What is 2 + 3?", "answer", "#### 5")) + "\n");
        Path config = tmp.resolve("config.json");
        Files.writeString(config, JSON.createObjectNode().put("model_path", model.toString()).put("train_data", train.toString())
                .put("data_format", "gsm8k").put("num_generations", 2).put("prompts_per_step", 1)
                .put("max_completion_length", 4).toString());

        Path refused = tmp.resolve("refused");
        var r = CliRunner.run("soak", "--config", config.toString(), "--steps", "2", "--warmup", "1", "--output-dir", refused.toString(),
                "--max_steps", "5");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("--max_steps") && r.err().contains("--steps"), r.err());
        assertFalse(Files.exists(refused), "nothing half-done");

        Path out = tmp.resolve("run");
        r = CliRunner.run("soak", "--config", config.toString(), "--steps", "2", "--warmup", "1", "--output-dir", out.toString(),
                "--chunk_length", "3", "--beta", "0.02");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode summary = JSON.readTree(r.lastLine());
        assertEquals(2, summary.get("steps").asInt());
        JsonNode saved = JSON.readTree(out.resolve(CheckpointManager.CONFIG).toFile());
        assertEquals(3, saved.get("chunk_length").asInt());
        assertEquals(0.02, saved.get("beta").asDouble(), 0);
        assertEquals(2, saved.get("max_steps").asInt(), "--steps");
    }
}

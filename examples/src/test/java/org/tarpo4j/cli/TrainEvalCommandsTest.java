package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.CheckpointManager;
import org.tarpo4j.rl.train.MetricsLog;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --config} and {@code eval} on a tiny Qwen2-shaped model with GSM8K data. */
class TrainEvalCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void trainWithAYamlConfigThenResumeThenEvaluate(@TempDir Path tmp) throws Exception {
        Path model = TinyQwenFixture.create(tmp.resolve("qwen-tiny"));
        Path out = tmp.resolve("run");
        // GSM8K-format rows with short questions: a 151k-token vocabulary makes every logits row cost 600 KB
        Path train = tmp.resolve("gsm8k-short.jsonl");
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            rows.append(JSON.writeValueAsString(java.util.Map.of("question", "What is " + i + " + " + (i + 2) + "?",
                    "answer", i + " + " + (i + 2) + " = " + (2 * i + 2) + "\n#### " + (2 * i + 2)))).append('\n');
        }
        Files.writeString(train, rows);
        Path config = tmp.resolve("config.yaml");
        Files.writeString(config, String.join("\n",
                "model_path: " + model,
                "train_data: " + train,
                "data_format: gsm8k",
                "output_dir: " + out,
                "mode: tarpo",
                "num_generations: 2",
                "prompts_per_step: 2",
                "max_steps: 2",
                "max_completion_length: 6",
                "save_steps: 1",
                "lora_rank: 2",
                "lora_alpha: 4",
                ""));
        var r = CliRunner.run("train", "--config", config.toString(), "--beta", "0.01");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(2, MetricsLog.read(out).size());
        assertTrue(Files.exists(CheckpointManager.directory(out, 2).resolve("adapter_model.safetensors")));
        JsonNode saved = JSON.readTree(CheckpointManager.directory(out, 2).resolve(CheckpointManager.CONFIG).toFile());
        assertEquals(0.01, saved.get("beta").asDouble(), 0, "command-line override applied");
        JsonNode top = JSON.readTree(out.resolve(CheckpointManager.CONFIG).toFile());
        assertEquals(out.toString(), top.get("output_dir").asText(), "the run's own config, at its top");
        assertEquals(6, top.get("max_completion_length").asInt());
        var again = CliRunner.run("train", "--config", out.resolve(CheckpointManager.CONFIG).toString());
        assertEquals(1, again.exitCode(), "a second run into the same directory would mix two runs' logs");
        assertTrue(again.err().contains("already holds a run") && again.err().contains("--resume"), again.err());

        var more = CliRunner.run("train", "--config", config.toString(), "--max-steps", "3", "--resume");
        assertEquals(0, more.exitCode(), more.err());
        assertTrue(more.out().contains("resumed at step 2"), more.out());
        assertEquals(3, MetricsLog.read(out).size());

        Path data = tmp.resolve("gsm8k-3.jsonl");
        Files.write(data, Files.readAllLines(train).subList(0, 3));
        Path result = tmp.resolve("eval.json");
        var eval = CliRunner.run("eval", "--model", model.toString(), "--adapter", CheckpointManager.directory(out, 3).toString(),
                "--data", data.toString(), "--k", "2", "--max-new-tokens", "6", "--out", result.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        JsonNode e = JSON.readTree(result.toFile());
        assertEquals(3, e.get("problems").asInt());
        assertEquals(2, e.get("k").asInt());
        assertTrue(e.get("mean_tokens").asDouble() > 0);
        JsonNode settings = e.get("settings");
        assertTrue(settings.get("source").asText().endsWith(CheckpointManager.CONFIG), settings.toString());
        assertEquals("tarpo", settings.get("mode").asText(), "decoded as the run trained, not with a default mode");
        assertEquals("last", settings.get("answer_rule").asText());
        assertTrue(eval.out().contains("avg@k"), eval.out());
        assertEquals(3, eval.out().strip().split("\n").length, "stdout: the table's two lines and the JSON line, no progress:\n" + eval.out());
        var plain = CliRunner.run("eval", "--model", model.toString(), "--data", data.toString(), "--k", "2", "--max-new-tokens", "4");
        assertEquals(0, plain.exitCode(), plain.err());
        JsonNode p = JSON.readTree(plain.lastLine()).get("settings");
        assertEquals("grpo", p.get("mode").asText(), "a plain Hugging Face model decodes plainly, without a fresh router");
        assertEquals(0.5, p.get("temperature").asDouble(), 0, "the trainer's default temperature");
    }

    @Test
    void coconutCurriculumOnAHuggingFaceModelWithGsm8kData(@TempDir Path tmp) throws Exception {
        Path model = TinyQwenFixture.create(tmp.resolve("qwen-tiny"));
        Path data = tmp.resolve("gsm8k.jsonl");
        Files.writeString(data, JSON.writeValueAsString(java.util.Map.of("question", "Tom has 3 apples and buys 4. How many?",
                "answer", "Tom buys 4 more.\nHe has 3 + 4 = <<3+4=7>>7.\n#### 7")) + "\n");
        Path out = tmp.resolve("coconut");
        var r = CliRunner.run("sft", "--coconut", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(),
                "--bot-token", "<|object_ref_start|>", "--eot-token", "<|object_ref_end|>", "--steps-per-stage", "1", "--batch", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        var missing = CliRunner.run("sft", "--coconut", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(),
                "--bot-token", "<not-a-token>", "--eot-token", "<|object_ref_end|>");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("<not-a-token>"), missing.err());
    }

    @Test
    void unknownConfigKeysAndBadValuesAreRejectedByName(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("c.json");
        Files.writeString(config, "{\"model_path\": \"x\", \"train_data\": \"y\", \"learning_rat\": 1e-5}");
        var r = CliRunner.run("train", "--config", config.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("learning_rat") || r.err().contains("learningRat"), r.err());
        Files.writeString(config, "{\"model_path\": \"x\", \"train_data\": \"y\"}");
        var bad = CliRunner.run("train", "--config", config.toString(), "--num-generations", "0");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("num_generations"), bad.err());
    }
}

package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.CheckpointManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train} with LoRA on a tiny Qwen2-shaped model, then {@code export} as an adapter and merged, then use the export. */
class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void trainThenExportAnAdapterAndAMergedModelThatTheOtherCommandsLoad(@TempDir Path tmp) throws Exception {
        Path model = TinyQwenFixture.create(tmp.resolve("qwen-tiny"));
        Path train = tmp.resolve("gsm8k.jsonl");
        List<String> rows = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            rows.add(JSON.writeValueAsString(Map.of("question", "What is " + i + " + 1?", "answer", i + " + 1 = " + (i + 1) + "\n#### " + (i + 1))));
        }
        Files.write(train, rows);
        Path run = tmp.resolve("run");
        var t = CliRunner.run("train", "--config", write(tmp.resolve("c.yaml"), String.join("\n", "model_path: " + model,
                "train_data: " + train, "output_dir: " + run, "num_generations: 2", "prompts_per_step: 2", "max_steps: 1",
                "max_completion_length: 4", "lora_rank: 2", "lora_alpha: 4", "learning_rate: 0.05", "")).toString());
        assertEquals(0, t.exitCode(), t.err());
        Path checkpoint = CheckpointManager.directory(run, 1);

        var adapter = CliRunner.run("export", "--checkpoint", checkpoint.toString(), "--out", tmp.resolve("adapter").toString(), "--json");
        assertEquals(0, adapter.exitCode(), adapter.err());
        JsonNode a = JSON.readTree(adapter.lastLine());
        assertEquals("adapter", a.get("format").asText());
        assertEquals(1, adapter.out().strip().split("\n").length, "stdout holds the one JSON line: " + adapter.out());
        assertTrue(Files.exists(tmp.resolve("adapter/adapter_model.safetensors")) && Files.exists(tmp.resolve("adapter/latent_heads.safetensors")));

        var merged = CliRunner.run("export", "--checkpoint", checkpoint.toString(), "--out", tmp.resolve("merged").toString(),
                "--merge", "--dtype", "bf16");
        assertEquals(0, merged.exitCode(), merged.err());
        assertTrue(merged.out().startsWith("exported a merged model (bfloat16"), merged.out());
        for (String f : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "generation_config.json",
                "model.safetensors.index.json", "model-00001-of-00001.safetensors", "latent_heads.safetensors", "README.md")) {
            assertTrue(Files.exists(tmp.resolve("merged").resolve(f)), f);
        }
        var gen = CliRunner.run("generate", "--model", tmp.resolve("merged").toString(), "--prompt", "What is 2 + 1?",
                "--max-new-tokens", "3", "--greedy", "--json");
        assertEquals(0, gen.exitCode(), gen.err());
        assertEquals(3, JSON.readTree(gen.lastLine()).get("ids").size());

        // the same checkpoint exported twice gives the same bytes (a reproducible export)
        var again = CliRunner.run("export", "--checkpoint", checkpoint.toString(), "--out", tmp.resolve("merged2").toString(),
                "--merge", "--dtype", "bf16");
        assertEquals(0, again.exitCode(), again.err());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("merged/model-00001-of-00001.safetensors")),
                Files.readAllBytes(tmp.resolve("merged2/model-00001-of-00001.safetensors")));

        var bad = CliRunner.run("export", "--checkpoint", run.toString(), "--out", tmp.resolve("nope").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().startsWith("export: error: ") && bad.err().contains("checkpoint-1"), bad.err());
        assertFalse(bad.err().contains("\tat "), "no stack trace: " + bad.err());
        var badType = CliRunner.run("export", "--checkpoint", checkpoint.toString(), "--out", tmp.resolve("nope").toString(), "--dtype", "int8");
        assertEquals(1, badType.exitCode());
        assertTrue(badType.err().contains("--dtype"), badType.err());
        assertFalse(Files.exists(tmp.resolve("nope")));
    }

    private static Path write(Path file, String text) throws Exception {
        Files.writeString(file, text);
        return file;
    }
}

package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.rl.train.MetricsLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train --config ... --spark-master local[2]} on a Hugging Face model with its real tokenizer and GSM8K data: the
 * executors decode with the model directory's tokenizer and score with the built-in reward, and the run's metrics are
 * the single-machine run's.
 */
class SparkTrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void trainOnLocalSparkGivesTheMetricsOfTrainingHere(@TempDir Path tmp) throws Exception {
        Path model = TinyQwenFixture.create(tmp.resolve("qwen-tiny"));
        Path train = tmp.resolve("gsm8k-short.jsonl");
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            rows.append(JSON.writeValueAsString(Map.of("question", "What is " + i + " + " + (i + 2) + "?",
                    "answer", i + " + " + (i + 2) + " = " + (2 * i + 2) + "\n#### " + (2 * i + 2)))).append('\n');
        }
        Files.writeString(train, rows);
        Path config = tmp.resolve("config.yaml");
        Files.writeString(config, String.join("\n", "model_path: " + model, "train_data: " + train, "data_format: gsm8k",
                "mode: tarpo", "num_generations: 2", "prompts_per_step: 2", "max_steps: 2", "max_completion_length: 6",
                "save_steps: 0", "lora_rank: 2", "lora_alpha: 4", "beta: 0.01", ""));
        var here = CliRunner.run("train", "--config", config.toString(), "--output-dir", tmp.resolve("here").toString());
        assertEquals(0, here.exitCode(), here.err());
        var spark = CliRunner.run("train", "--config", config.toString(), "--output-dir", tmp.resolve("spark").toString(),
                "--spark-master", "local[2]");
        assertEquals(0, spark.exitCode(), spark.err());

        List<Map<String, Object>> a = MetricsLog.read(tmp.resolve("here")), b = MetricsLog.read(tmp.resolve("spark"));
        assertEquals(2, b.size());
        for (int s = 0; s < 2; s++) {
            assertEquals(2, ((Number) b.get(s).get("spark/partitions")).intValue(), "ran on Spark");
            for (var e : a.get(s).entrySet()) {
                if (org.tarpo4j.rl.train.StepMetrics.measuresTheMachine(e.getKey())) continue;
                Object x = e.getValue(), y = b.get(s).get(e.getKey());
                if (x instanceof Number nx) {
                    double dx = nx.doubleValue(), dy = ((Number) y).doubleValue();
                    assertTrue(Math.abs(dx - dy) <= 1e-5 + 1e-4 * Math.abs(dx), "step " + (s + 1) + " " + e.getKey() + ": " + dx + " vs " + dy);
                } else {
                    assertEquals(x, y, e.getKey());
                }
            }
        }
    }
}

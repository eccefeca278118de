package org.tarpo4j.tests.kill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.tokenizer.HfTokenizer;
import org.tarpo4j.tests.ChatTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small {@code train --config} run: a random Qwen2-shaped model (d=64, 2 layers) with the word-level chat tokenizer,
 * GSM8K-format problems, full fine-tuning (so that every checkpoint carries the whole model and its optimizer moments,
 * about 1.3 MB) and a checkpoint after every step.
 */
final class TinyChatRun {
    static final int MAX_STEPS = 14;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TinyChatRun() {}

    /** Writes the model and the data under {@code root} (once per test); returns the model directory. */
    static Path createModel(Path root) throws IOException {
        Path tokenizerDir = ChatTokenizer.write(root.resolve("tokenizer"));
        ModelConfig config = new ModelConfig("qwen2", 64, 2, 4, 2, 16, 192, ChatTokenizer.SIZE, 1e-6, 10000.0, RopeScaling.NONE,
                512, true, true, false, false, null, java.util.List.of(ChatTokenizer.IM_END_ID), ChatTokenizer.PAD_ID, "float32");
        Path model = root.resolve("model");
        try (HfTokenizer tok = HfTokenizer.load(tokenizerDir)) {
            CausalLm.initialise(config, 11, tok).save(model);
        }
        StringBuilder data = new StringBuilder();
        for (int i = 1; i <= 8; i++) {
            data.append(JSON.createObjectNode().put("question", "What is " + i + " + " + (i + 3) + "?")
                    .put("answer", i + " + " + (i + 3) + " = " + (2 * i + 3) + "\n#### " + (2 * i + 3))).append('\n');
        }
        Files.writeString(root.resolve("train.jsonl"), data);
        return model;
    }

    /** A run config writing to {@code output}, next to the data under {@code root}. */
    static Path config(Path root, Path model, Path output) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_path", model.toString()).put("train_data", root.resolve("train.jsonl").toString()).put("data_format", "gsm8k");
        c.put("output_dir", output.toString()).put("mode", "tarpo").put("use_lora", false);
        c.put("num_generations", 2).put("prompts_per_step", 2).put("max_steps", MAX_STEPS).put("max_completion_length", 8);
        c.put("save_steps", 1).put("log_completions_steps", 1).put("temperature", 1.0).put("learning_rate", 1e-3);
        c.put("action_bias", 0.0).put("beta", 0.01).put("seed", 5);
        Path file = root.resolve(output.getFileName() + ".json");
        Files.writeString(file, c.toString());
        return file;
    }
}

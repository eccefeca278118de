package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench on a tiny random model: every decoder and mode runs and prints the peer's fields plus ours. */
class BenchCommandTest {
    private static final String CONFIG = """
            {"model_type": "qwen2", "hidden_size": 16, "intermediate_size": 24, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 40, "max_position_embeddings": 64,
             "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": true, "bos_token_id": 1,
             "eos_token_id": 2, "torch_dtype": "float32"}""";

    @Test
    void printsOneJsonLineWithThePeersFieldsModeDecoderAndUtilisation(@TempDir Path tmp) throws Exception {
        Path config = tmp.resolve("config.json");
        Files.writeString(config, CONFIG);
        // decode time is generate time minus prefill time, as the peer measures it: enough new tokens and a best of two
        // keep that difference well above timer noise
        for (String decoder : new String[]{"graph", "fast"}) {
            for (String mode : new String[]{"grpo", "tarpo", "hrpo"}) {
                var r = CliRunner.run("bench", "--config", config.toString(), "--batch", "2", "--prompt-len", "5",
                        "--new-tokens", "24", "--train-len", "6", "--repeats", "2", "--mode", mode, "--decoder", decoder);
                assertEquals(0, r.exitCode(), r.err());
                JsonNode j = new ObjectMapper().readTree(r.lastLine());
                for (String f : new String[]{"engine", "threads", "batch", "params", "prefill_tok_s", "decode_tok_s",
                        "train_tok_s", "gemm_gflop_s", "peak_rss_mb"}) {
                    assertTrue(j.has(f), f + " missing: " + r.lastLine());
                }
                assertEquals(mode, j.get("mode").asText());
                assertEquals(decoder, j.get("decoder").asText());
                for (String k : new String[]{"decode", "prefill", "train"}) assertTrue(j.get("mfu").get(k).asDouble() > 0, k);
                assertTrue(j.get("decode_tok_s").asDouble() > 0);
                assertEquals(mode.equals("tarpo"), j.has("soft_step_fraction"));
            }
        }
        var bad = CliRunner.run("bench", "--config", config.toString(), "--decoder", "nope");
        assertTrue(bad.exitCode() != 0, "an unknown decoder is an error");
    }
}

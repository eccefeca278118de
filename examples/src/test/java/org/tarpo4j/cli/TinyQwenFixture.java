package org.tarpo4j.cli;

import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.DataDirectory;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.tokenizer.HfTokenizer;

import java.nio.file.Path;
import java.util.List;

/** A tiny random Qwen2-shaped model with the real Qwen tokenizer, saved as a Hugging Face directory. */
final class TinyQwenFixture {
    private TinyQwenFixture() {}

    static Path create(Path dir) throws Exception {
        try (HfTokenizer tok = HfTokenizer.load(DataDirectory.require("tokenizers/qwen3-npm"))) {
            int eos = tok.tokenToId("<|im_end|>").orElseThrow(), pad = tok.tokenToId("<|endoftext|>").orElseThrow();
            ModelConfig c = new ModelConfig("qwen2", 16, 1, 2, 1, 8, 32, tok.vocabSize(), 1e-6, 1e6, RopeScaling.NONE, 1024,
                    true, true, false, false, null, List.of(eos), pad, "float32");
            CausalLm lm = CausalLm.initialise(c, 3, tok);
            lm.save(dir);
        }
        return dir;
    }
}

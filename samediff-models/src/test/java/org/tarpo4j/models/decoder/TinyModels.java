package org.tarpo4j.models.decoder;

import org.nd4j.linalg.api.buffer.DataType;
import org.tarpo4j.layers.RopeScaling;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.config.ModelConfig;

import java.util.List;

/** Small random models for tests: Qwen2-shaped with GQA, q/k/v biases and a tied head, or Llama-shaped untied. */
public final class TinyModels {
    private TinyModels() {}

    public static ModelConfig qwen2Config() {
        return new ModelConfig("qwen2", 16, 2, 4, 2, 4, 24, 37, 1e-6, 10000.0, RopeScaling.NONE, 64,
                true, true, false, false, 1, List.of(2), 0, "float32");
    }

    public static ModelConfig llamaConfig() {
        return new ModelConfig("llama", 16, 2, 4, 1, 4, 24, 37, 1e-5, 500000.0,
                RopeScaling.llama3(8, 1, 4, 32), 64, false, false, false, false, 1, List.of(2, 3), 0, "float32");
    }

    /** Every parameter drawn from N(0, 0.3²) (norm weights around 1), so logits are far from ties. */
    public static DecoderGraph random(ModelConfig config, long seed) {
        Parameters p = new Parameters(DataType.FLOAT, seed);
        WeightLayout.expectedShapes(config).forEach((name, shape) -> {
            Init init = name.endsWith("norm.weight") ? (dt, s, sd) -> Init.normal(0.2).create(dt, s, sd).addi(1.0) : Init.normal(0.3);
            p.getOrCreate(name, init, shape);
        });
        return DecoderGraph.build(config, p, DecoderOptions.plain(config.maxPositionEmbeddings()));
    }
}

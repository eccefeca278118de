package org.tarpo4j.models;

import org.nd4j.linalg.api.buffer.DataType;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.WeightLayout;
import org.tarpo4j.models.io.AtomicDirectory;
import org.tarpo4j.models.io.CheckpointWriter;
import org.tarpo4j.models.io.SafeTensorsDType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A Hugging Face model directory with random weights of a config's shape, as {@code from_config} followed by
 * {@code save_pretrained} gives one: for trying a size without downloading it. The weights are exactly those of
 * {@link CausalLm#initialise} with the same seed, but they are made and written one shard at a time, so a model larger
 * than memory can be written.
 */
public final class RandomModel {
    /** Hugging Face's default {@code max_shard_size} ("5GB"). */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

    private RandomModel() {}

    /**
     * Writes {@code config.json} (with {@code torch_dtype} set to {@code dtype}), the weights (one file, or shards and
     * their index above {@code maxShardBytes}) and, when {@code tokenizerDir} is given, its tokenizer files, into
     * {@code dir}, atomically.
     */
    public static void write(ModelConfig config, Path dir, SafeTensorsDType dtype, long seed, Path tokenizerDir,
                             long maxShardBytes) throws IOException {
        if (tokenizerDir != null && !Files.isRegularFile(tokenizerDir.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException(tokenizerDir + ": no tokenizer.json there");
        }
        Map<String, long[]> shapes = WeightLayout.expectedShapes(config);
        AtomicDirectory.write(dir, tmp -> {
            config.withTorchDtype(dtype.torchName()).write(tmp.resolve("config.json"));
            CheckpointWriter.write(tmp, shapes,
                    name -> WeightLayout.initFor(name).create(DataType.FLOAT, shapes.get(name), Parameters.seedFor(seed, name)),
                    true, dtype, maxShardBytes);
            if (tokenizerDir != null) {
                for (String f : CausalLm.TOKENIZER_FILES) {
                    Path src = tokenizerDir.resolve(f);
                    if (Files.isRegularFile(src)) Files.copy(src, tmp.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        });
    }
}

package org.tarpo4j.cli;

import org.tarpo4j.models.RandomModel;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.io.SafeTensorsDType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Writes a Hugging Face model directory with random weights of a config.json's shape (as "
                + "transformers' from_config + save_pretrained): sharded with an index above --max-shard-size, for trying "
                + "a real size without downloading it. Prints the directory.")
final class InitCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "a Hugging Face config.json (qwen2 or llama)")
    Path config;

    @Option(names = "--out", required = true, description = "the model directory to write (replaced atomically)")
    Path out;

    @Option(names = "--dtype", defaultValue = "bf16", description = "bf16, f16 or f32 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--seed", defaultValue = "0", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--tokenizer", description = "a directory with tokenizer.json (and tokenizer_config.json...) to copy along")
    Path tokenizer;

    @Option(names = "--max-shard-size", defaultValue = "5GB",
            description = "largest weight file before sharding, e.g. 5GB, 500MB (default: ${DEFAULT-VALUE})")
    String maxShardSize;

    @Override
    public Integer call() throws Exception {
        SafeTensorsDType type = SafeTensorsDType.ofModelWeights("--dtype", dtype);
        Path tokDir = tokenizer == null ? null : tokenizer.toFile().isDirectory() ? tokenizer : tokenizer.getParent();
        RandomModel.write(ModelConfig.read(config), out, type, seed, tokDir, CliSupport.parseBytes("--max-shard-size", maxShardSize));
        System.out.println(out);
        return 0;
    }
}

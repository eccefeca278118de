package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.tarpo4j.bench.Benchmark;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures prefill, decode and train-step throughput, this machine's GEMM GFLOP/s and peak RSS; "
                + "prints one JSON line (the fields of shared/bench/pytorch_peer.py).")
final class BenchCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", description = "Hugging Face model directory")
        Path model;
        @Option(names = "--config", description = "a config.json: random weights of that shape")
        Path config;
    }

    @Option(names = "--batch", defaultValue = "8", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--prompt-len", defaultValue = "64", description = "prompt length (default: ${DEFAULT-VALUE})")
    int promptLength;

    @Option(names = "--new-tokens", defaultValue = "64", description = "decoded tokens (default: ${DEFAULT-VALUE})")
    int newTokens;

    @Option(names = "--train-len", defaultValue = "128", description = "train-step sequence length (default: ${DEFAULT-VALUE})")
    int trainLength;

    @Option(names = "--repeats", defaultValue = "3", description = "best of R runs (default: ${DEFAULT-VALUE})")
    int repeats;

    @Override
    public Integer call() throws Exception {
        CausalLm lm = source.model != null ? CausalLm.fromPretrained(source.model)
                : CausalLm.initialise(ModelConfig.read(source.config), 0, null);
        var result = Benchmark.run(lm, new Benchmark.Settings(batch, promptLength, newTokens, trainLength, repeats));
        System.out.println(CliSupport.json(result));
        return 0;
    }
}

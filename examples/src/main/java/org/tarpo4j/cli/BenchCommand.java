package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.tarpo4j.bench.Benchmark;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.DataDirectory;
import org.tarpo4j.models.hub.ModelResolver;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.config.ModelConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures prefill, decode and train-step throughput, this machine's GEMM GFLOP/s, model FLOP "
                + "utilisation and peak RSS; prints one JSON line (the fields of shared/bench/pytorch_peer.py), with "
                + "--peer also the peer's from the same run and the ratios.")
final class BenchCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model", description = "a Hugging Face model directory or hub id (namespace/name[@revision], from the HF cache or downloaded)")
        String model;
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

    @Option(names = "--mode", defaultValue = "grpo",
            description = "decode input mode: grpo (plain tokens), tarpo (router on, soft inputs on soft steps) or hrpo (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--decoder", defaultValue = "fast",
            description = "graph (a SameDiff session per step) or fast (eager ND4J, FastDecoder) (default: ${DEFAULT-VALUE})")
    String decoder;

    @Option(names = "--peer", description = "also run the PyTorch peer (shared/bench/pytorch_peer.py) with the same shape "
            + "and settings, its BLAS pinned to our thread count; adds \"peer\" and \"ratio\" (ours / peer)")
    boolean peer;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "interpreter for --peer (default: ${DEFAULT-VALUE})")
    String python;

    @Override
    public Integer call() throws Exception {
        Path modelDir = source.model != null ? ModelResolver.fromEnvironment().resolve(source.model) : null;
        CausalLm lm = modelDir != null ? CausalLm.fromPretrained(modelDir)
                : CausalLm.initialise(ModelConfig.read(source.config), 0, null);
        var settings = new Benchmark.Settings(batch, promptLength, newTokens, trainLength, repeats, LatentMode.parse(mode), decoder);
        Map<String, Object> result = Benchmark.run(lm, settings);
        if (peer) {
            List<String> modelArgs = source.model != null ? List.of("--model", modelDir.toString())
                    : List.of("--config", source.config.toString());
            result = Benchmark.withPeer(result, settings,
                    new Benchmark.Peer(python, DataDirectory.require("bench/pytorch_peer.py"), modelArgs));
        }
        System.out.println(CliSupport.json(result));
        return 0;
    }
}

package org.tarpo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.tarpo4j.bench.Benchmark;
import org.tarpo4j.bench.PeerPairs;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.DataDirectory;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.hub.ModelResolver;
import org.tarpo4j.models.latent.LatentMode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
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
            + "and settings, its BLAS pinned to our thread count: --pairs times ours then the peer, each in a fresh process "
            + "(never both resident); adds \"peer\", \"runs\" and \"ratio\" (median of the paired ratios ours / peer)")
    boolean peer;

    @Option(names = "--pairs", defaultValue = "3", description = "with --peer: interleaved (ours, peer) runs (default: ${DEFAULT-VALUE})")
    int pairs;

    @Option(names = "--lora", description = "LoRA r=32 (alpha 64) on every projection, as the paper: the decode runs with the "
            + "adapters and the train step updates only them (the peer likewise)")
    boolean lora;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "interpreter for --peer (default: ${DEFAULT-VALUE})")
    String python;

    @Override
    public Integer call() throws Exception {
        if (pairs < 1) throw new IllegalArgumentException("--pairs must be at least 1, got " + pairs);
        Map<String, Object> result;
        if (peer) {
            // this process only orchestrates: each measurement runs in a process of its own
            String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "1");
            result = PeerPairs.run(pairs, ourCommand(), peerCommand(threads), threads);
        } else {
            CausalLm lm = source.model != null ? CausalLm.fromPretrained(source.model)
                    : CausalLm.initialise(ModelConfig.read(source.config), 0, null);
            result = Benchmark.run(lm, new Benchmark.Settings(batch, promptLength, newTokens, trainLength, repeats,
                    LatentMode.parse(mode), decoder, lora));
        }
        System.out.println(CliSupport.json(result));
        return 0;
    }

    private List<String> shape() {
        List<String> args = new ArrayList<>(List.of("--batch", String.valueOf(batch), "--prompt-len", String.valueOf(promptLength),
                "--new-tokens", String.valueOf(newTokens), "--train-len", String.valueOf(trainLength), "--repeats", String.valueOf(repeats)));
        return args;
    }

    /** This command again, without --peer, in a fresh JVM with this one's options and class path. */
    private List<String> ourCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench"));
        cmd.addAll(source.model != null ? List.of("--model", source.model) : List.of("--config", source.config.toString()));
        cmd.addAll(shape());
        cmd.addAll(List.of("--mode", mode, "--decoder", decoder));
        if (lora) cmd.add("--lora");
        return cmd;
    }

    private List<String> peerCommand(String threads) throws java.io.IOException {
        Path shared = DataDirectory.require("bench/pytorch_peer.py");
        List<String> cmd = new ArrayList<>(List.of(python));
        if (lora) {
            // our LoRA twin of the peer, shipped in the jar; it imports the shared peer's decoder
            Path script = java.nio.file.Files.createTempFile("pytorch_peer_lora", ".py");
            script.toFile().deleteOnExit();
            try (var in = BenchCommand.class.getResourceAsStream("/org/tarpo4j/bench/pytorch_peer_lora.py")) {
                java.nio.file.Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            cmd.addAll(List.of(script.toString(), shared.getParent().toString()));
        } else {
            cmd.add(shared.toString());
        }
        Path model = source.model != null ? org.tarpo4j.models.hub.ModelResolver.fromEnvironment().resolve(source.model) : null;
        cmd.addAll(model != null ? List.of("--model", model.toString()) : List.of("--config", source.config.toString()));
        cmd.addAll(shape());
        cmd.addAll(List.of("--threads", threads));
        return cmd;
    }
}

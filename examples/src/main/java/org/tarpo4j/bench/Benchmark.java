package org.tarpo4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.NativeArrays;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.GraphDecoder;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.ModelInputs;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.fast.FastDecoder;
import org.tarpo4j.models.generation.DecodeLoop;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.models.training.AdamW;
import org.tarpo4j.models.training.LanguageModelLoss;
import org.tarpo4j.models.training.TokenLogProbs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Throughput of one model on this machine, measured the way {@code shared/bench/pytorch_peer.py} measures its
 * PyTorch twin (same fields, best of R repeats, decode time = generate time − prefill time), so the two JSON lines
 * compare directly; {@link PeerPairs} runs both and reports ours ÷ peer.
 *
 * <p>Decode runs the rollout's loop ({@link DecodeLoop}) on the chosen decoder ({@code graph}: a SameDiff session per
 * step; {@code fast}: {@link FastDecoder}) in the chosen input mode. In {@code tarpo} mode every step samples a route
 * per row from the router (initialised at P(soft) = 0.5 so both kinds of step occur) and feeds the soft input (the
 * top-10 of the step's distribution at temperature 1, which the token is drawn from) on soft steps; {@code hrpo} feeds
 * the gated mixture on every step; {@code grpo} takes the greedy argmax, as the peer.
 *
 * <p>Model FLOPs ({@code "mfu"}): 2 per weight of the q/k/v/o, MLP and head projections per token, plus the
 * attention's 4·layers·heads·head_dim per attended position; a training step counts 3× its forward. Utilisation is
 * that rate over the GEMM rate measured in the same run ({@code gemm_gflop_s}, a 2048² fp32 GEMM).
 */
public final class Benchmark {
    /**
     * @param mode    input mode of the decode measurement
     * @param decoder {@code graph} or {@code fast}
     */
    public record Settings(int batch, int promptLength, int newTokens, int trainLength, int repeats, LatentMode mode,
                           String decoder, boolean lora) {
        public Settings {
            if (!decoder.equals("graph") && !decoder.equals("fast")) {
                throw new IllegalArgumentException("decoder must be graph or fast, got '" + decoder + "'");
            }
        }

        public Settings(int batch, int promptLength, int newTokens, int trainLength, int repeats) {
            this(batch, promptLength, newTokens, trainLength, repeats, LatentMode.GRPO, "fast", false);
        }
    }

    /** The paper's adapters: rank 32, α 64, on every projection. */
    static final LoraConfig LORA = new LoraConfig(32, 64, java.util.Set.copyOf(LoraConfig.ALL_PROJECTIONS));

    static final SoftInputConfig SOFT = SoftInputConfig.defaults();

    /** A router initialised at P(soft) = 0.5, so that both kinds of step occur. */
    static final RouterConfig ROUTER = RouterConfig.withInitialHardProbability(0.5);

    private Benchmark() {}

    public static Map<String, Object> run(CausalLm lm, Settings s) {
        long backboneParams = lm.parameters().count();
        ModelConfig c = lm.config();
        int vocab = c.vocabSize();
        Rng rng = new Rng(0);
        int[][] prompt = randomIds(rng, s.batch(), s.promptLength(), vocab);
        DecoderGraph graph = decodeGraph(lm, s);
        List<String> extras = s.mode().hasRouter() ? List.of(ActionHeadRouter.LOGITS) : List.of();
        int maxLength = s.promptLength() + s.newTokens();
        java.util.function.Supplier<IncrementalDecoder> decoders = () -> s.decoder().equals("fast")
                ? new FastDecoder(graph, s.batch(), maxLength, extras) : new GraphDecoder(graph, s.batch(), extras);

        double prefill = best(s.repeats(), () -> {
            try (IncrementalDecoder d = decoders.get(); NativeArrays arrays = new NativeArrays()) {
                d.forward(prefillInput(prompt, graph.options().inputs(), arrays));
            }
        });
        DecodeLoop loop = decodeLoop(graph, s);
        List<DecodeLoop.Row> rows = new ArrayList<>();
        double decodeTotal = best(s.repeats(), () -> {
            rows.clear();
            for (int r = 0; r < s.batch(); r++) rows.add(new DecodeLoop.Row(r, prompt[r], Rng.forRow(1, r, 0)));
            try (IncrementalDecoder d = decoders.get()) {
                loop.run(d, rows);
            }
        });
        double train = trainStep(lm, s, rng);
        double gemm = gemmGflops(2048, s.repeats());

        double prefillTokS = s.batch() * s.promptLength() / prefill;
        double decodeTokS = s.batch() * s.newTokens() / (decodeTotal - prefill);
        double trainTokS = s.batch() * s.trainLength() / train;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", "tarpo4j-samediff-" + Nd4j.getBackend().getClass().getSimpleName());
        out.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
        out.put("batch", s.batch());
        out.put("params", backboneParams);
        out.put("prefill_tok_s", prefillTokS);
        out.put("decode_tok_s", decodeTokS);
        out.put("train_tok_s", trainTokS);
        out.put("gemm_gflop_s", gemm);
        out.put("peak_rss_mb", peakRssMb());
        out.put("mode", s.mode().id());
        out.put("decoder", s.decoder());
        out.put("lora_rank", s.lora() ? LORA.rank() : 0);
        if (s.mode().hasRouter()) out.put("soft_step_fraction", softFraction(rows));
        Map<String, Object> mfu = new LinkedHashMap<>();
        mfu.put("decode", decodeTokS * decodeFlopsPerToken(c, s) / 1e9 / gemm);
        mfu.put("prefill", prefillTokS * prefillFlopsPerToken(c, s.promptLength()) / 1e9 / gemm);
        mfu.put("train", trainTokS * 3 * prefillFlopsPerToken(c, s.trainLength()) / 1e9 / gemm);
        out.put("mfu", mfu);
        out.put("model_gflop_per_token", Map.of("decode", decodeFlopsPerToken(c, s) / 1e9,
                "prefill", prefillFlopsPerToken(c, s.promptLength()) / 1e9,
                "train", 3 * prefillFlopsPerToken(c, s.trainLength()) / 1e9));
        return out;
    }

    /** The graph the decode runs: the model's plain one, or one with the mode's input layer and router. */
    private static DecoderGraph decodeGraph(CausalLm lm, Settings s) {
        if (s.mode() == LatentMode.GRPO && !s.lora()) return lm.graph();
        int max = Math.max(s.promptLength() + s.newTokens(), 1);
        DecoderOptions base = DecoderOptions.plain(max).withLora(s.lora() ? LORA : null);
        return lm.buildGraph(LatentHeads.options(lm.config(), base, s.mode(), SOFT, ROUTER));
    }

    /**
     * The rollout's decode loop without its log-probs (the peer computes none): greedy tokens in grpo mode, as the
     * peer's; in tarpo/hrpo mode tokens sampled at temperature 1 from the top 10, whose mixture is the soft input, and
     * tarpo routes each row's step by its router (initialised at P(soft) = 0.5), hrpo mixes every step.
     */
    private static DecodeLoop decodeLoop(DecoderGraph graph, Settings s) {
        ModelInputs inputs = graph.options().inputs();
        SamplingConfig sampling = inputs.soft() ? SamplingConfig.sample(1.0, SOFT.topK(), 1.0) : SamplingConfig.greedyDecoding();
        // the peer feeds each of its new_tokens tokens back (new_tokens decode steps): one token more than steps
        DecodeLoop.Settings settings = new DecodeLoop.Settings(sampling, s.newTokens() + 1, Set.of(), Set.of(), 0, false);
        return new DecodeLoop(inputs, new DecodeLoop.Routing(s.mode(), ROUTER.temperature(), false), settings, null,
                DecodeLoop.Marker.NONE, graph.config().vocabSize());
    }

    /** The prompts as one prefill, every position hard, as the loop feeds it. */
    private static StepInput prefillInput(int[][] prompt, ModelInputs inputs, NativeArrays arrays) {
        StepInput in = inputs(prompt, 0);
        Map<String, INDArray> extra = inputs.hard(prompt.length, prompt[0].length, arrays);
        return extra.isEmpty() ? in : new StepInput(in.inputIds(), in.positionIds(), in.validity(), extra);
    }

    private static double softFraction(List<DecodeLoop.Row> rows) {
        long soft = 0, steps = 0;
        for (DecodeLoop.Row row : rows) {
            for (int r : row.routes()) soft += r;
            steps += row.length();
        }
        return steps == 0 ? 0.0 : (double) soft / steps;
    }

    /** Forward + backward of the next-token loss and an AdamW update: of every weight, or of the LoRA adapters. */
    private static double trainStep(CausalLm lm, Settings s, Rng rng) {
        DecoderGraph g = lm.buildGraph(DecoderOptions.plain(Math.max(s.trainLength(), 1)).withLora(s.lora() ? LORA : null));
        LanguageModelLoss.attach(g, Set.of());
        int[][] tokens = randomIds(rng, s.batch(), s.trainLength() + 1, lm.config().vocabSize());
        int[][] in = new int[s.batch()][], labels = new int[s.batch()][];
        for (int r = 0; r < s.batch(); r++) {
            in[r] = java.util.Arrays.copyOf(tokens[r], s.trainLength());
            labels[r] = java.util.Arrays.copyOfRange(tokens[r], 1, s.trainLength() + 1);
        }
        int[][] pos = new int[s.batch()][s.trainLength()], mask = new int[s.batch()][s.trainLength()];
        for (int r = 0; r < s.batch(); r++) {
            for (int c = 0; c < s.trainLength(); c++) pos[r][c] = c;
            java.util.Arrays.fill(mask[r], 1);
        }
        Map<String, INDArray> ph = g.sequenceInputs(in, pos, mask);
        ph.put(TokenLogProbs.LABELS, Nd4j.createFromArray(labels));
        ph.put(LanguageModelLoss.LOSS_MASK, Nd4j.ones(DataType.FLOAT, s.batch(), s.trainLength()));
        // the backbone only, as the peer trains (the latent heads of a tarpo/hrpo decode graph are not in this graph);
        // with LoRA only the adapters, whose base weights are constants of the graph
        Map<String, INDArray> trainable = new LinkedHashMap<>();
        lm.parameters().asMap().forEach((k, v) -> {
            if (!LatentHeads.isHeadParameter(k) && g.options().trains(k) && g.sd().hasVariable(k)) trainable.put(k, v);
        });
        List<String> params = List.copyOf(trainable.keySet());
        AdamW adam = new AdamW(List.of(new AdamW.Group("all", trainable, 1e-4, 0.0)), 0.9, 0.999, 1e-8);
        Runnable step = () -> { // as the trainer's step: gradients, AdamW, the gradients back to the pool for the next
            Map<String, INDArray> grads = Gradients.compute(g.graph(), LanguageModelLoss.LOSS, ph, List.of(), params).gradients();
            adam.step(grads, 1.0);
            Gradients.release(g.graph(), grads);
        };
        step.run(); // builds the backward graph
        return best(s.repeats(), step);
    }

    /** Weights a token passes through (q/k/v/o, MLP, head), each worth 2 FLOPs. */
    static double projectionFlops(ModelConfig c) {
        long d = c.hiddenSize(), q = (long) c.numAttentionHeads() * c.headDim(), kv = (long) c.numKeyValueHeads() * c.headDim();
        long perLayer = d * q + 2 * d * kv + q * d + 3 * d * c.intermediateSize();
        return 2.0 * (perLayer * c.numHiddenLayers() + (long) c.vocabSize() * d);
    }

    /** Scores and weighted values: 4 FLOPs per layer, head, head dimension and attended position. */
    static double attentionFlops(ModelConfig c, double attended) {
        return 4.0 * c.numHiddenLayers() * c.numAttentionHeads() * c.headDim() * attended;
    }

    static double decodeFlopsPerToken(ModelConfig c, Settings s) {
        return projectionFlops(c) + attentionFlops(c, s.promptLength() + (s.newTokens() + 1) / 2.0);
    }

    static double prefillFlopsPerToken(ModelConfig c, int length) {
        return projectionFlops(c) + attentionFlops(c, (length + 1) / 2.0);
    }

    static double gemmGflops(int n, int repeats) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n), c = Nd4j.create(DataType.FLOAT, n, n);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        return 2.0 * n * n * n / best(repeats, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0)) / 1e9;
    }

    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux: no figure
        }
        return -1;
    }

    private static double best(int repeats, Runnable r) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < Math.max(1, repeats); i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    private static int[][] randomIds(Rng rng, int rows, int cols, int vocab) {
        int[][] ids = new int[rows][cols];
        for (int[] row : ids) for (int i = 0; i < cols; i++) row[i] = rng.nextInt(vocab);
        return ids;
    }

    private static StepInput inputs(int[][] ids, int start) {
        int[][] pos = new int[ids.length][ids[0].length], valid = new int[ids.length][ids[0].length];
        for (int r = 0; r < ids.length; r++)
            for (int c = 0; c < ids[0].length; c++) {
                pos[r][c] = start + c;
                valid[r][c] = 1;
            }
        return new StepInput(Nd4j.createFromArray(ids), Nd4j.createFromArray(pos), Nd4j.createFromArray(valid));
    }

}

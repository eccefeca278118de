package org.tarpo4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.generation.Rng;
import org.tarpo4j.models.training.AdamW;
import org.tarpo4j.models.training.LanguageModelLoss;
import org.tarpo4j.models.training.TokenLogProbs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Throughput of one model on this machine, measured the way {@code shared/bench/pytorch_peer.py} measures its
 * PyTorch twin (same fields, best of R repeats), so the two JSON lines compare directly.
 */
public final class Benchmark {
    public record Settings(int batch, int promptLength, int newTokens, int trainLength, int repeats) {}

    private Benchmark() {}

    public static Map<String, Object> run(CausalLm lm, Settings s) {
        int vocab = lm.config().vocabSize();
        Rng rng = new Rng(0);
        int[][] prompt = randomIds(rng, s.batch(), s.promptLength(), vocab);
        StepInput prefillInput = inputs(prompt, 0);

        double prefill = best(s.repeats(), () -> lm.decoder(s.batch()).forward(prefillInput));
        double decodeTotal = best(s.repeats(), () -> {
            IncrementalDecoder d = lm.decoder(s.batch());
            INDArray logits = lastPositions(d.forward(prefillInput).logits(), s.batch(), s.promptLength());
            for (int i = 0; i < s.newTokens(); i++) {
                int[] next = logits.argMax(1).toIntVector();
                int[][] ids = new int[s.batch()][1];
                for (int r = 0; r < s.batch(); r++) ids[r][0] = next[r];
                logits = d.forward(inputs(ids, s.promptLength() + i)).logits();
            }
        });
        double train = trainStep(lm, s, rng);
        double gemm = gemmGflops(2048, s.repeats());

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", "tarpo4j-samediff-" + Nd4j.getBackend().getClass().getSimpleName());
        out.put("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "default"));
        out.put("batch", s.batch());
        out.put("params", lm.parameters().count());
        out.put("prefill_tok_s", s.batch() * s.promptLength() / prefill);
        out.put("decode_tok_s", s.batch() * s.newTokens() / (decodeTotal - prefill));
        out.put("train_tok_s", s.batch() * s.trainLength() / train);
        out.put("gemm_gflop_s", gemm);
        out.put("peak_rss_mb", peakRssMb());
        return out;
    }

    /** Forward + backward of the next-token loss and an AdamW update, all parameters trainable. */
    private static double trainStep(CausalLm lm, Settings s, Rng rng) {
        DecoderGraph g = lm.buildGraph(DecoderOptions.plain(Math.max(s.trainLength(), 1)));
        LanguageModelLoss.attach(g, Set.of());
        int[][] tokens = randomIds(rng, s.batch(), s.trainLength() + 1, lm.config().vocabSize());
        int[][] in = new int[s.batch()][], labels = new int[s.batch()][];
        for (int r = 0; r < s.batch(); r++) {
            in[r] = java.util.Arrays.copyOf(tokens[r], s.trainLength());
            labels[r] = java.util.Arrays.copyOfRange(tokens[r], 1, s.trainLength() + 1);
        }
        StepInput x = inputs(in, 0);
        Map<String, INDArray> ph = new HashMap<>();
        ph.put(DecoderGraph.INPUT_IDS, x.inputIds());
        ph.put(DecoderGraph.POSITION_IDS, x.positionIds());
        ph.put(DecoderGraph.ATTENTION_MASK, x.validity());
        for (int l = 0; l < lm.config().numHiddenLayers(); l++) {
            INDArray empty = Nd4j.create(DataType.FLOAT, s.batch(), lm.config().numKeyValueHeads(), 0, lm.config().headDim());
            ph.put(DecoderGraph.pastKey(l), empty);
            ph.put(DecoderGraph.pastValue(l), empty);
        }
        ph.put(TokenLogProbs.LABELS, Nd4j.createFromArray(labels));
        ph.put(LanguageModelLoss.LOSS_MASK, Nd4j.ones(DataType.FLOAT, s.batch(), s.trainLength()));
        List<String> params = List.copyOf(lm.parameters().asMap().keySet());
        AdamW adam = new AdamW(List.of(new AdamW.Group("all", lm.parameters().asMap(), 1e-4, 0.0)), 0.9, 0.999, 1e-8);
        Runnable step = () -> adam.step(Gradients.compute(g.graph(), LanguageModelLoss.LOSS, ph, List.of(), params).gradients(), 1.0);
        step.run(); // builds the backward graph
        return best(s.repeats(), step);
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

    private static INDArray lastPositions(INDArray logits, int rows, int width) {
        int[] idx = new int[rows];
        for (int r = 0; r < rows; r++) idx[r] = r * width + width - 1;
        return logits.getRows(idx);
    }
}

package org.tarpo4j.examples.api;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tarpo4j.layers.TokenEmbedding;
import org.tarpo4j.layers.core.Gradients;
import org.tarpo4j.layers.core.Graph;
import org.tarpo4j.layers.core.Init;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.layers.tarpo.RouterConfig;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Example: TARPO's action-head router and hybrid embedding mixer in a SameDiff graph of your own (your embedding table,
 * your hidden layer, your output head): two decode steps where the second one's inputs are hard or soft as the router
 * sampled them, gradients of a loss on that step and one SGD update, then {@code sd.save} and the saved graph run by
 * plain {@code SameDiff.load} with the same outputs.
 */
public final class TarpoLayersInYourGraph {
    /** Sizes of the toy graph. */
    public static final int VOCAB = 40, DIM = 8, TOP_K = 3, ROWS = 4;
    /** Names of your graph's own placeholders and outputs (the mixer's placeholders are HybridEmbeddingMixer's). */
    public static final String TOKENS = "my_tokens", INPUT = "my_input", HIDDEN = "my_hidden", LOGITS = "my_logits",
            TARGETS = "my_targets", CHOSEN_ROUTES = "my_chosen_routes", ADVANTAGES = "my_advantages", LOSS = "my_loss";

    private TarpoLayersInYourGraph() {}

    /**
     * Your graph, with the TARPO layers in it. {@code parameters} holds its arrays (FLOAT to run it, DOUBLE to check
     * its gradients by finite differences); the seed it was created with initialises them.
     */
    public static Graph build(Parameters parameters) {
        Graph graph = Graph.create(parameters);
        SameDiff sd = graph.sd();
        // your embedding table; TokenEmbedding makes lookups differentiable (M2.1 cannot differentiate a gather)
        TokenEmbedding embedding = new TokenEmbedding(graph, "my_embedding", VOCAB, DIM);
        SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT32, -1, -1);                        // [B, T]
        // TARPO's input: the token's embedding on hard routes, Σ_i w_i·E[id_i] over the top-k on soft ones
        SDVariable input = sd.identity(INPUT, new HybridEmbeddingMixer(graph, embedding, TOP_K).mixFromPlaceholders(tokens));
        // your own hidden-state producer: one tanh layer
        SDVariable w = graph.parameter("my_layer.weight", Init.normal(0.5), DIM, DIM);
        SDVariable b = graph.parameter("my_layer.bias", Init.zeros(), DIM);
        SDVariable hidden = sd.math.tanh(HIDDEN, input.mmul(w).add(b));                           // [B·T, d]
        // TARPO's router on your hidden state: P(hard), P(soft) of the next input (bias 0: 50/50 at the start)
        ActionHeadRouter.Outputs route = new ActionHeadRouter(graph, "my_router", DIM, RouterConfig.withActionBias(0.0)).forward(hidden);
        // your own next-token head
        SDVariable logits = sd.identity(LOGITS, hidden.mmul(graph.parameter("my_head.weight", Init.normal(0.5), DIM, VOCAB)));

        // a loss of your own: next-token NLL plus a REINFORCE term on the routes taken (log-softmax written out: the
        // built-in's backward is broken in M2.1)
        SDVariable shift = graph.stopGradient(logits.max(true, 1));
        SDVariable logProbs = logits.sub(shift).sub(sd.math.log(sd.math.exp(logits.sub(shift)).sum(true, 1)));
        SDVariable targets = sd.placeHolder(TARGETS, graph.dtype(), -1, VOCAB);                     // one-hot [N, V]
        SDVariable chosen = sd.placeHolder(CHOSEN_ROUTES, graph.dtype(), -1, 2);                    // one-hot [N, 2]
        SDVariable advantages = sd.placeHolder(ADVANTAGES, graph.dtype(), -1, 1);                   // [N, 1]
        SDVariable nll = targets.mul(logProbs).sum().neg();
        SDVariable reinforce = chosen.mul(route.logProbs()).mul(advantages).sum().neg();
        sd.identity(LOSS, nll.add(reinforce).div(ROWS));
        return graph;
    }

    /** What the demo measured. */
    public record Report(int[] routes, Map<String, INDArray> stepInputs, INDArray mixedInput, Map<String, INDArray> gradients,
                         double lossBefore, double lossAfter, double maxDifferenceAfterReload) {}

    /**
     * Prints the routes of the mixed step, the loss before and after one SGD step, and the largest difference between
     * the graph's outputs and those of its saved copy loaded in plain SameDiff.
     *
     * @param args optional: where to save the graph (default: a temporary file)
     * @throws IOException when the graph cannot be saved
     */
    public static void main(String[] args) throws IOException {
        Path file = args.length > 0 ? Path.of(args[0]) : Files.createTempFile("my-tarpo-graph", ".sd");
        Report r = run(new Parameters(DataType.FLOAT, 1), 5, file);
        System.out.printf("routes %s (1 = soft); loss %.5f -> %.5f after one SGD step; saved to %s, reloaded outputs differ by %.3g%n",
                java.util.Arrays.toString(r.routes()), r.lossBefore(), r.lossAfter(), file, r.maxDifferenceAfterReload());
    }

    /**
     * The demo: a hard step, a mixed step, gradients, an update, save and reload.
     *
     * @param seed seeds the route sampling
     */
    public static Report run(Parameters parameters, long seed, Path file) throws IOException {
        Graph graph = build(parameters);
        SameDiff sd = graph.sd();
        Random random = new Random(seed);

        // step 1: every row's input is its (hard) prompt token
        int[] prompt = {3, 11, 17, 29};
        Map<String, INDArray> first = inputs(prompt, new int[ROWS][TOP_K], new double[ROWS][TOP_K], new int[ROWS], graph.dtype());
        Map<String, INDArray> out = sd.output(first, LOGITS, ActionHeadRouter.LOG_PROBS);

        // from its outputs: the next token (argmax), the soft input (top-k, renormalised) and a route sampled from the router
        double[][] logits = out.get(LOGITS).toDoubleMatrix(), routeLogProbs = out.get(ActionHeadRouter.LOG_PROBS).toDoubleMatrix();
        int[] next = new int[ROWS], routes = new int[ROWS];
        int[][] softIds = new int[ROWS][TOP_K];
        double[][] softWeights = new double[ROWS][TOP_K];
        for (int r = 0; r < ROWS; r++) {
            topK(logits[r], softIds[r], softWeights[r]);
            next[r] = softIds[r][0];
            routes[r] = random.nextDouble() < Math.exp(routeLogProbs[r][ActionHeadRouter.SOFT]) ? 1 : 0;
        }

        // step 2, the mixed one: hard rows take their token, soft rows the top-k mixture
        Map<String, INDArray> second = inputs(next, softIds, softWeights, routes, graph.dtype());
        INDArray mixedInput = sd.output(second, INPUT).get(INPUT).dup();
        // a loss on it: predict token 7 everywhere, and reward soft routes on even rows, hard ones on odd rows
        double[][] targets = new double[ROWS][VOCAB], chosen = new double[ROWS][2], advantages = new double[ROWS][1];
        for (int r = 0; r < ROWS; r++) {
            targets[r][7] = 1;
            chosen[r][routes[r]] = 1;
            advantages[r][0] = (routes[r] == 1) == (r % 2 == 0) ? 1 : -1;
        }
        second.put(TARGETS, Nd4j.createFromArray(targets).castTo(graph.dtype()));
        second.put(CHOSEN_ROUTES, Nd4j.createFromArray(chosen).castTo(graph.dtype()));
        second.put(ADVANTAGES, Nd4j.createFromArray(advantages).castTo(graph.dtype()));

        // gradients of every parameter (the embedding table's through the mixer's lookups), then plain SGD, in place:
        // the graph reads the embedding through a view of the same buffer
        List<String> trainable = List.copyOf(graph.parameters().asMap().keySet());
        Gradients.Result g = Gradients.compute(graph, LOSS, second, List.of(LOSS), trainable);
        double before = g.outputs().get(LOSS).getDouble(0);
        g.gradients().forEach((name, grad) -> graph.parameters().get(name).subi(grad.mul(0.5)));
        double after = sd.output(second, LOSS).get(LOSS).getDouble(0);

        // save, then run the file in plain SameDiff: same placeholders in, same outputs out
        File saved = file.toFile();
        sd.save(saved, false);
        List<String> outputs = List.of(LOGITS, HIDDEN, ActionHeadRouter.LOG_PROBS, LOSS);
        Map<String, INDArray> expected = sd.output(second, outputs);
        Map<String, INDArray> actual = SameDiff.load(saved, false).output(second, outputs);
        double maxDiff = 0;
        for (String o : outputs) maxDiff = Math.max(maxDiff, expected.get(o).sub(actual.get(o)).amaxNumber().doubleValue());
        return new Report(routes, second, mixedInput, g.gradients(), before, after, maxDiff);
    }

    /** The step's placeholders: tokens {@code [B, 1]}, soft ids and weights {@code [B, 1, k]}, routes {@code [B, 1]}. */
    static Map<String, INDArray> inputs(int[] tokens, int[][] softIds, double[][] softWeights, int[] routes, DataType dtype) {
        int[][] tok = new int[ROWS][1];
        int[][][] ids = new int[ROWS][1][];
        double[][][] weights = new double[ROWS][1][];
        double[][] route = new double[ROWS][1];
        for (int r = 0; r < ROWS; r++) {
            tok[r][0] = tokens[r];
            ids[r][0] = softIds[r];
            weights[r][0] = softWeights[r];
            route[r][0] = routes[r];
        }
        Map<String, INDArray> in = new HashMap<>();
        in.put(TOKENS, Nd4j.createFromArray(tok));
        in.put(HybridEmbeddingMixer.SOFT_IDS, Nd4j.createFromArray(ids));
        in.put(HybridEmbeddingMixer.SOFT_WEIGHTS, Nd4j.createFromArray(weights).castTo(dtype));
        in.put(HybridEmbeddingMixer.ROUTES, Nd4j.createFromArray(route).castTo(dtype));
        return in;
    }

    /** The k largest logits' ids, most likely first, and their softmax probabilities renormalised over those k. */
    static void topK(double[] logits, int[] ids, double[] weights) {
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Double.compare(logits[b], logits[a]));
        double sum = 0;
        for (int j = 0; j < ids.length; j++) {
            ids[j] = order[j];
            weights[j] = Math.exp(logits[order[j]] - logits[order[0]]);
            sum += weights[j];
        }
        for (int j = 0; j < ids.length; j++) weights[j] /= sum;
    }
}

package org.tarpo4j.models.latent;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.HrpoGateMixer;
import org.tarpo4j.layers.tarpo.HybridEmbeddingMixer;
import org.tarpo4j.layers.tarpo.LatentInputMixer;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.HiddenStateHead;
import org.tarpo4j.models.decoder.InputLayer;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.models.io.SafeTensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches a latent mode's layers to a decoder: the input mixer (TARPO's hybrid embedding, HRPO's gate) and TARPO's
 * router head. Their parameters live beside the backbone's, under {@value #ROUTER} and {@value #GATE}, and are saved
 * in their own file ({@value #FILE}) so the backbone stays a plain Hugging Face checkpoint.
 */
public final class LatentHeads {
    public static final String ROUTER = "action_head";
    public static final String GATE = "hrpo_gate";
    public static final String FILE = "latent_heads.safetensors";

    private LatentHeads() {}

    /** The decoder options of a mode: its input layer and, for TARPO, the router head. */
    public static DecoderOptions options(ModelConfig config, DecoderOptions base, LatentMode mode, SoftInputConfig soft,
                                         RouterConfig router) {
        return switch (mode) {
            case GRPO -> base;
            case TARPO -> base.withInputLayer(soft.hiddenState() ? hiddenStateInputs(config.hiddenSize()) : hybridInputs(soft.topK()))
                    .withHeads(List.of(routerHead(config.hiddenSize(), router)));
            case HRPO -> base.withInputLayer(gatedInputs(soft.topK()));
            case COCONUT -> base.withInputLayer(hiddenStateInputs(config.hiddenSize()));
        };
    }

    private static InputLayer hybridInputs(int topK) {
        return (graph, embedding, ids) -> new HybridEmbeddingMixer(graph, embedding, topK).mixFromPlaceholders(ids);
    }

    private static InputLayer hiddenStateInputs(int hidden) {
        return (graph, embedding, ids) -> new LatentInputMixer(graph, embedding, hidden).mixFromPlaceholders(ids);
    }

    private static InputLayer gatedInputs(int topK) {
        return (graph, embedding, ids) -> {
            var sd = graph.sd();
            return new HrpoGateMixer(graph, GATE, embedding, embedding.weight().getShape()[1]).mix(ids,
                    sd.placeHolder(HybridEmbeddingMixer.SOFT_IDS, DataType.INT32, -1, -1, -1),
                    sd.placeHolder(HybridEmbeddingMixer.SOFT_WEIGHTS, graph.dtype(), -1, -1, -1),
                    sd.placeHolder(HybridEmbeddingMixer.ROUTES, graph.dtype(), -1, -1), topK);
        };
    }

    private static HiddenStateHead routerHead(int hidden, RouterConfig config) {
        return (graph, h) -> new ActionHeadRouter(graph, ROUTER, hidden, config).forward(h);
    }

    /** True for the parameters owned by a latent head (not part of the Hugging Face backbone). */
    public static boolean isHeadParameter(String name) {
        return name.startsWith(ROUTER + ".") || name.startsWith(GATE + ".");
    }

    /** Writes the head parameters (if any) to {@code dir/}{@value #FILE}. */
    public static void save(Path dir, Parameters parameters) throws IOException {
        Map<String, INDArray> heads = new LinkedHashMap<>();
        parameters.asMap().forEach((k, v) -> { if (isHeadParameter(k)) heads.put(k, v); });
        if (!heads.isEmpty()) SafeTensorsWriter.write(dir.resolve(FILE), heads, SafeTensorsDType.F32, Map.of("format", "pt"));
    }

    /**
     * Puts saved head parameters from {@code dir/}{@value #FILE} into {@code parameters}, before a graph is built:
     * heads found there are restored, missing ones get their configured initialisation when the graph is built.
     */
    public static void load(Path dir, Parameters parameters) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return;
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            for (String name : f.names()) {
                if (!isHeadParameter(name)) {
                    throw new org.tarpo4j.models.io.CheckpointFormatException(file + ": tensor '" + name + "' is not a latent-head parameter");
                }
                INDArray value = f.readFloat(name, true);
                // in place when the head exists already, so graphs built on these arrays see the restored values
                if (parameters.contains(name)) parameters.get(name).assign(value);
                else parameters.put(name, value);
            }
        }
    }
}

package org.tarpo4j.models.latent;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.layers.tarpo.ActionHeadRouter;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.HiddenStateHead;
import org.tarpo4j.models.decoder.ModelInputs;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.CheckpointFormatException;
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

    /** The decoder options of a mode: its inputs ({@link ModelInputs#of}) and, for TARPO, the router head. */
    public static DecoderOptions options(ModelConfig config, DecoderOptions base, LatentMode mode, SoftInputConfig soft,
                                         RouterConfig router) {
        DecoderOptions withInputs = base.withInputs(ModelInputs.of(mode, soft, config.hiddenSize()));
        return mode.hasRouter() ? withInputs.withHeads(List.of(routerHead(config.hiddenSize(), router))) : withInputs;
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
        save(dir, parameters.asMap());
    }

    /** Writes the head parameters among {@code parameters} (if any) to {@code dir/}{@value #FILE}, in float32. */
    public static void save(Path dir, Map<String, INDArray> parameters) throws IOException {
        Map<String, INDArray> heads = new LinkedHashMap<>();
        parameters.forEach((k, v) -> { if (isHeadParameter(k)) heads.put(k, v); });
        if (!heads.isEmpty()) SafeTensorsWriter.write(dir.resolve(FILE), heads, SafeTensorsDType.F32, Map.of("format", "pt"));
    }

    /**
     * Every parameter a latent head can own, with its shape for {@code config}: TARPO's router
     * ({@code action_head.weight [2, d]}, {@code .bias [2]}) and HRPO's gate ({@code hrpo_gate.gate_r/gate_i} linear
     * maps {@code [d, d]} with biases {@code [d]}, and {@code hrpo_gate.lambda [d]}).
     */
    public static Map<String, long[]> expectedShapes(ModelConfig config) {
        long d = config.hiddenSize();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(ROUTER + ".weight", new long[]{2, d});
        shapes.put(ROUTER + ".bias", new long[]{2});
        for (String gate : List.of("gate_r", "gate_i")) {
            shapes.put(GATE + "." + gate + ".weight", new long[]{d, d});
            shapes.put(GATE + "." + gate + ".bias", new long[]{d});
        }
        shapes.put(GATE + ".lambda", new long[]{d});
        return shapes;
    }

    /**
     * The head parameters saved in {@code dir/}{@value #FILE} (empty when there is no such file), all read and checked
     * before the caller assigns any: every tensor must be a head parameter of {@code config}'s shape, and finite.
     */
    public static Map<String, INDArray> read(Path dir, ModelConfig config) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) return Map.of();
        Map<String, long[]> known = expectedShapes(config);
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Map<String, long[]> present = new LinkedHashMap<>();
            for (String name : f.names()) {
                if (!known.containsKey(name)) {
                    throw new CheckpointFormatException(file + ": tensor '" + name + "' is not a latent-head parameter (known: "
                            + known.keySet() + ")");
                }
                present.put(name, known.get(name));
            }
            return Checkpoint.loadExactly(f, present, true);
        }
    }

    /**
     * Puts head parameters read by {@link #read} into {@code parameters}, before a graph is built or over its arrays:
     * in place when the head exists already (graphs built on these arrays see the restored values), else added; heads
     * not given keep their configured initialisation.
     */
    public static void assign(Map<String, INDArray> heads, Parameters parameters) {
        heads.forEach((name, value) -> {
            if (parameters.contains(name)) parameters.get(name).assign(value);
            else parameters.put(name, value);
        });
    }

    /** {@link #read} then {@link #assign}: on any error nothing is assigned. */
    public static void load(Path dir, ModelConfig config, Parameters parameters) throws IOException {
        assign(read(dir, config), parameters);
    }
}

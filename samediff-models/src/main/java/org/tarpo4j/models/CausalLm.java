package org.tarpo4j.models;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.config.ModelConfig;
import org.tarpo4j.models.decoder.DecoderGraph;
import org.tarpo4j.models.decoder.DecoderOptions;
import org.tarpo4j.models.decoder.GraphDecoder;
import org.tarpo4j.models.decoder.IncrementalDecoder;
import org.tarpo4j.models.decoder.StepInput;
import org.tarpo4j.models.decoder.WeightLayout;
import org.tarpo4j.models.generation.ContextWindow;
import org.tarpo4j.models.generation.Generator;
import org.tarpo4j.models.hub.ModelResolver;
import org.tarpo4j.models.io.AtomicDirectory;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.CheckpointWriter;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.TensorSource;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.tokenizer.HfTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A causal language model (Qwen2 or Llama family): its config, its weights and, when the directory has one, its
 * tokenizer. Loaded from and saved to a Hugging Face model directory; graphs built from it share its weight arrays.
 */
public final class CausalLm implements AutoCloseable {
    /** The rotary tables cover at most this many positions unless asked otherwise (they cost 2·n·head_dim floats). */
    public static final int DEFAULT_MAX_CONTEXT = 32768;
    /** Tokenizer files copied along when a model is saved. */
    public static final List<String> TOKENIZER_FILES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json");

    private final ModelConfig config;
    private final Parameters parameters;
    private final HfTokenizer tokenizer;   // null when the model has none
    private final Path tokenizerDir;       // where the tokenizer files came from, or null
    private DecoderGraph inferenceGraph;   // built on first use

    /**
     * A model from its parts; {@link #fromPretrained} and {@link #initialise} are the usual ways to get one.
     *
     * @param config       the architecture
     * @param parameters   the weights, by Hugging Face tensor name
     * @param tokenizer    the tokenizer, or null
     * @param tokenizerDir where the tokenizer files are (copied along by {@link #save}), or null
     */
    public CausalLm(ModelConfig config, Parameters parameters, HfTokenizer tokenizer, Path tokenizerDir) {
        this.config = config;
        this.parameters = parameters;
        this.tokenizer = tokenizer;
        this.tokenizerDir = tokenizerDir;
    }

    /**
     * Loads {@code config.json}, the safetensors weights (single or sharded) and {@code tokenizer.json} if present.
     * The checkpoint must hold exactly the tensors the config implies, with the right shapes; that is checked before
     * any data is read, and a failure leaves nothing half-loaded.
     *
     * @param dir a Hugging Face model directory
     * @return the model, with its tokenizer when the directory has one
     * @throws IOException when a file cannot be read, or is malformed ({@code CheckpointFormatException},
     *                     {@code TokenizerFormatException}: the message names the file and what is wrong); an unusable
     *                     {@code config.json} is a {@code ConfigException}
     */
    public static CausalLm fromPretrained(Path dir) throws IOException {
        ModelConfig config = ModelConfig.read(dir);
        Map<String, INDArray> weights = readBackbone(dir, config);
        Map<String, INDArray> heads = LatentHeads.read(dir, config);
        Parameters parameters = Parameters.of(weights, DataType.FLOAT, 0);
        LatentHeads.assign(heads, parameters);
        boolean hasTokenizer = Files.isRegularFile(dir.resolve(HfTokenizer.TOKENIZER_JSON));
        HfTokenizer tokenizer = hasTokenizer ? HfTokenizer.load(dir) : null;
        return new CausalLm(config, parameters, tokenizer, hasTokenizer ? dir : null);
    }

    /**
     * Loads the model {@code reference} names: a directory, or a Hugging Face hub id with an optional revision
     * ({@code Qwen/Qwen2.5-0.5B-Instruct@main}), taken from the Hugging Face cache or downloaded into it as the
     * environment says ({@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE}, {@code HF_ENDPOINT},
     * {@code HF_TOKEN}); see {@link ModelResolver}.
     *
     * @param reference a directory, or {@code namespace/name[@revision]}
     * @return the model, with its tokenizer when it has one
     * @throws IOException when it cannot be found, downloaded or read (as {@link #fromPretrained(Path)})
     */
    public static CausalLm fromPretrained(String reference) throws IOException {
        return fromPretrained(ModelResolver.fromEnvironment().resolve(reference));
    }

    /**
     * A freshly initialised model of the given shape (normal(0, 0.02) weights, unit norms).
     *
     * @param config    the architecture
     * @param seed      seeds every weight (each by its name, so the result does not depend on build order)
     * @param tokenizer the tokenizer to keep with it, or null
     * @return the model
     */
    public static CausalLm initialise(ModelConfig config, long seed, HfTokenizer tokenizer) {
        Parameters parameters = new Parameters(DataType.FLOAT, seed);
        DecoderGraph.build(config, parameters, DecoderOptions.plain(1)); // creates every parameter
        Path tokDir = tokenizer == null ? null : tokenizer.path().getParent();
        return new CausalLm(config, parameters, tokenizer, tokDir);
    }

    /**
     * Writes {@code config.json}, the backbone weights ({@code model.safetensors}, or shards above
     * {@code maxShardBytes}), the latent heads if any ({@link LatentHeads#FILE}) and the tokenizer files into
     * {@code dir}, atomically: a crash leaves the previous content of {@code dir} intact. LoRA adapters are not part
     * of the model; the trainer saves them separately.
     *
     * @param dir           the model directory to write
     * @param dtype         the weights' type on disk
     * @param maxShardBytes shard above this size
     * @throws IOException when writing fails (the previous content is then intact)
     */
    public void save(Path dir, SafeTensorsDType dtype, long maxShardBytes) throws IOException {
        AtomicDirectory.write(dir, tmp -> writeTo(tmp, dtype, maxShardBytes));
    }

    /**
     * The files of {@link #save} written into an existing directory, not atomically (for callers that are).
     *
     * @param dir           an existing directory
     * @param dtype         the weights' type on disk
     * @param maxShardBytes shard above this size
     * @throws IOException when writing fails
     */
    public void writeTo(Path dir, SafeTensorsDType dtype, long maxShardBytes) throws IOException {
        config.withTorchDtype(dtype.torchName()).write(dir.resolve("config.json"));
        Map<String, INDArray> backbone = new LinkedHashMap<>();
        for (String name : WeightLayout.expectedShapes(config).keySet()) backbone.put(name, parameters.get(name));
        CheckpointWriter.write(dir, backbone, dtype, maxShardBytes);
        LatentHeads.save(dir, parameters);
        if (tokenizerDir != null) {
            for (String f : TOKENIZER_FILES) {
                Path src = tokenizerDir.resolve(f);
                if (Files.isRegularFile(src)) Files.copy(src, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * Overwrites the backbone weights (and saved latent heads) in place from a model directory saved by {@link #save}
     * (same config). Everything is read and checked first: on any error no parameter has changed.
     *
     * @param dir a model directory of the same config
     * @throws IOException when it cannot be read or does not match
     */
    public void loadWeightsFrom(Path dir) throws IOException {
        Map<String, INDArray> weights = readBackbone(dir, config);
        Map<String, INDArray> heads = LatentHeads.read(dir, config);
        weights.forEach((name, value) -> parameters.get(name).assign(value));
        LatentHeads.assign(heads, parameters);
    }

    /** Exactly the backbone tensors {@code config} implies, checked (names and shapes) before any data is read. */
    private static Map<String, INDArray> readBackbone(Path dir, ModelConfig config) throws IOException {
        try (TensorSource source = Checkpoint.open(dir)) {
            return Checkpoint.loadExactly(source, WeightLayout.expectedShapes(config));
        }
    }

    /**
     * {@link #save} in float32, in one file.
     *
     * @param dir the model directory to write
     * @throws IOException when writing fails (the previous content is then intact)
     */
    public void save(Path dir) throws IOException {
        save(dir, SafeTensorsDType.F32, Long.MAX_VALUE);
    }

    /** @return the architecture */
    public ModelConfig config() { return config; }

    /** @return the live weights, by Hugging Face tensor name (and the heads and adapters graphs added) */
    public Parameters parameters() { return parameters; }

    /** @return the tokenizer, if the model has one */
    public Optional<HfTokenizer> tokenizer() { return Optional.ofNullable(tokenizer); }

    /**
     * The tokenizer, which must exist.
     *
     * @return the tokenizer
     * @throws IllegalStateException when the model directory had no {@code tokenizer.json}
     */
    public HfTokenizer requireTokenizer() {
        if (tokenizer == null) throw new IllegalStateException("this model directory has no tokenizer.json");
        return tokenizer;
    }

    /** @return ids that end a generation: the config's end-of-sequence ids and the tokenizer's (e.g. an end-of-turn token) */
    public java.util.Set<Integer> stopTokenIds() {
        java.util.Set<Integer> stop = new java.util.HashSet<>(config.eosTokenIds());
        if (tokenizer != null) tokenizer.eosTokenId().ifPresent(stop::add);
        return stop;
    }

    /** @return the longest sequence the default graphs accept */
    public int maxContext() { return Math.min(config.maxPositionEmbeddings(), DEFAULT_MAX_CONTEXT); }

    /**
     * The plain inference graph (token inputs, no adapters), shared by every call. Its type is internal API.
     *
     * @return the graph
     */
    public synchronized DecoderGraph graph() {
        if (inferenceGraph == null) inferenceGraph = buildGraph(DecoderOptions.plain(maxContext()));
        return inferenceGraph;
    }

    /**
     * A new graph on this model's weight arrays (no copy), e.g. with LoRA adapters or TARPO's inputs. Its types are
     * internal API.
     *
     * @param options what the graph includes
     * @return the graph
     */
    public DecoderGraph buildGraph(DecoderOptions options) {
        return DecoderGraph.build(config, parameters, options);
    }

    /**
     * A KV-cached decoder of the plain graph. Its type is internal API.
     *
     * @param batch rows
     * @return a decoder with an empty cache
     */
    public IncrementalDecoder decoder(int batch) { return new GraphDecoder(graph(), batch, List.of()); }

    /** @return batched, KV-cached generation on this model */
    public Generator generator() {
        return new Generator(this::decoder, config, new ContextWindow(maxContext()), parameters.count());
    }

    /**
     * Logits of one unpadded sequence at positions {@code 0..T-1}, without a cache.
     *
     * @param ids the sequence
     * @return {@code [T, vocab]}
     * @throws IllegalArgumentException for no ids, too many, or an id outside the vocabulary
     */
    public INDArray logits(int[] ids) {
        if (ids.length == 0) throw new IllegalArgumentException("no input ids");
        if (ids.length > maxContext()) {
            throw new IllegalArgumentException(ids.length + " ids exceed the model's context of " + maxContext());
        }
        for (int id : ids) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
        }
        try (IncrementalDecoder d = decoder(1)) {
            return d.forward(StepInput.singleRow(ids, 0)).logits().dup(); // the decoder's buffer goes with it
        }
    }

    /** Releases the tokenizer's native resources. */
    @Override
    public void close() {
        if (tokenizer != null) tokenizer.close();
    }

}

package org.tarpo4j.rl.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.rl.core.Advantages;
import org.tarpo4j.rl.core.LossConfig;
import org.tarpo4j.rl.core.LossType;
import org.tarpo4j.rl.data.Datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a TARPO/GRPO/HRPO run is configured by. Names follow TRL's {@code GRPOConfig} where the concept is shared
 * (camelCase here; snake_case is accepted in files and on the command line); defaults are the method's §7.
 * Read from JSON or YAML; unknown keys and out-of-range values are errors naming the key.
 */
public final class TarpoConfig {
    // --- model and data
    /** The starting model: a Hugging Face directory or hub id with optional revision ({@code Qwen/Qwen2.5-0.5B-Instruct@main}). */
    public String modelPath;
    /** Training data: a JSONL file (format by {@link #dataFormat}); unused for the embedded task ({@code arith}). */
    public String trainData;
    /** gsm8k | math | jsonl (generic {"prompt","answer"}), or arith: the embedded task (problems generated, modelPath its warm start). */
    public String dataFormat = "gsm8k";
    /** The embedded arithmetic task's format: problems are generated, not read (the command line handles it). */
    public static final String EMBEDDED_FORMAT = "arith";
    /** Where checkpoints, metrics and completions go. */
    public String outputDir = "runs/tarpo";

    // --- TRL GRPOConfig names
    /** Completions per prompt, G (at least 2: advantages are relative to the group). */
    public int numGenerations = 8;
    /** Prompts per optimiser step (the paper: 8); each gives numGenerations completions. */
    public int promptsPerStep = 8;
    /** Optimiser steps of the run. */
    public int maxSteps = 100;
    /** β, the weight of the KL penalty towards the frozen initial model (0: no reference model). */
    public double beta = 0.005;
    /** The clip range ε of the importance ratio (lower side, and upper unless {@link #epsilonHigh} is set). */
    public double epsilon = 0.2;
    /** Upper clip; null = epsilon. */
    public Double epsilonHigh;
    /** Updates per rollout (TRL's μ). */
    public int numIterations = 1;
    /** How token losses are aggregated: {@code grpo}, {@code bnpo}, {@code dr_grpo} or {@code dapo} (TRL's names). */
    public String lossType = "grpo";
    /** Advantage scaling: {@code group} (by the group's std), {@code batch} or {@code none}. */
    public String scaleRewards = "group";
    /** Sampling temperature of the rollout. */
    public double temperature = 0.5;
    /** Top-k of the rollout's sampling (0 = all). */
    public int topK = 50;
    /** Top-p of the rollout's sampling (1 = all). */
    public double topP = 1.0;
    /** Tokens per completion at most. */
    public int maxCompletionLength = 1024;
    /** Truncated completions (no stop token) are left out of the loss. */
    public boolean maskTruncatedCompletions = false;
    /** The backbone's (or adapters') AdamW learning rate. */
    public double learningRate = 5e-6;
    /** The schedule after warm-up: {@code cosine}, {@code linear} or {@code constant}. */
    public String lrSchedulerType = "cosine";
    /** The share of {@link #maxSteps} spent warming the learning rate up linearly. */
    public double warmupRatio = 0.1;
    /** AdamW's decoupled weight decay. */
    public double weightDecay = 0.1;
    /** AdamW's β1. */
    public double adamBeta1 = 0.9;
    /** AdamW's β2. */
    public double adamBeta2 = 0.99;
    /** AdamW's ε. */
    public double adamEpsilon = 1e-8;
    /** Gradients are clipped to this global norm. */
    public double maxGradNorm = 0.1;
    /** Seeds the problem order, the sampling and new parameters. */
    public long seed = 42;
    /** TRL's {@code logging_steps}, accepted and checked; every step is logged to {@code metrics.jsonl} regardless. */
    public int loggingSteps = 1;
    /** Checkpoint every N steps (0: only at the end). */
    public int saveSteps = 50;
    /** Log a table of completions every N steps (0 = never). */
    public int logCompletionsSteps = 10;
    /** Ids never sampled and excluded from log-probs (e.g. pad, bos); null = the model's pad and bos. */
    public List<Integer> bannedTokenIds;

    // --- memory (a step's result does not depend on these, beyond the order of float sums)
    /**
     * Completions per forward/backward pass (TRL's name): a step's gradient is accumulated over
     * ceil(prompts_per_step × num_generations / this) micro-batches, the reference log-probs likewise; null = all of
     * a step's completions in one pass.
     */
    public Integer perDeviceTrainBatchSize;
    /** Completions decoded together in a rollout (the KV cache and the prefill are sized by it); null = all. */
    public Integer rolloutBatchSize;

    // --- TARPO
    /** {@code tarpo}, {@code grpo} (no router) or {@code hrpo} (gated mixing). */
    public String mode = "tarpo";
    /** b0, the router's initial hard log-odds; ignored if initialHardProbability is set. */
    public double actionBias = RouterConfig.DEFAULT_HARD_BIAS;
    /** If set, b0 = logit(p). */
    public Double initialHardProbability;
    /** The router's (and HRPO gate's) AdamW learning rate. */
    public double actionLearningRate = 1e-4;
    /** λ, the weight of the router's policy-gradient term. */
    public double actionLossWeight = 0.1;
    /** k of the soft input's top-k mixture. */
    public int softTopK = 10;
    /** Whether the top-k weights are renormalised to sum to 1. */
    public boolean softRenormalise = true;
    /** topk (TARPO's embedding mixture) or hidden (COCONUT-style: the step's last hidden state is the soft input). */
    public String softInputSource = "topk";
    /** The answer marker: routes are hard after it, and the built-in rewards read the answer after it. */
    public String answerMarker = "####";
    /** The router's temperature. */
    public double actionTemperature = 1.0;
    /** hard (the released code: reference on the all-hard sequence) or mixed (same soft inputs as the policy). */
    public String referenceContext = "hard";
    /** true: token term on every step (the released code); false: hard steps only (the paper). */
    public boolean tokenLossOnSoftSteps = true;
    /** Take the router's argmax instead of sampling a route (debugging). */
    public boolean greedyRouting = false;

    // --- LoRA (false = full fine-tuning)
    /** Train LoRA adapters (true) or every weight (false). */
    public boolean useLora = true;
    /** The adapters' rank r. */
    public int loraRank = 32;
    /** The adapters' α (updates scaled by α / r). */
    public double loraAlpha = 64;
    /** The projections that get adapters. */
    public List<String> loraTargets = new ArrayList<>(LoraConfig.ALL_PROJECTIONS);

    // --- scale-out
    /**
     * A Spark master URL ({@code local[2]}, {@code spark://host:7077}, ...): each step's rollouts, rewards, reference
     * log-probs and gradients run on its executors, the update and everything else here; null = all in this process.
     * Executors load {@link #modelPath} themselves. The result does not depend on it (README "Scale-out").
     */
    public String sparkMaster;

    // --- rewards
    /** Built-in rewards by name and weight, for the command line ({@code gsm8k}, {@code math}, {@code format}); a trainer built from Java takes its rewards as an argument. */
    public Map<String, Double> rewardWeights = new LinkedHashMap<>(Map.of("gsm8k", 1.0));

    private static final ObjectMapper JSON = mapper(new ObjectMapper());
    private static final ObjectMapper YAML = mapper(new ObjectMapper(new YAMLFactory()));

    private static ObjectMapper mapper(ObjectMapper m) {
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature())
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // 2.5 steps is an error, not 2
                .enable(SerializationFeature.INDENT_OUTPUT)
                .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.FIELD, com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.PUBLIC_ONLY);
        // "" and true are not numbers, nor "" a boolean (Jackson would read them as 0 / 1 / false)
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float)) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        return m;
    }

    /**
     * Reads a JSON or YAML file (by extension) and applies {@code key=value} overrides, then validates.
     *
     * @param file      a {@code .json}, {@code .yaml} or {@code .yml} file
     * @param overrides keys (snake_case or camelCase) and values as on the command line
     * @return the config
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException for an unknown key or a bad value, naming the file and the key
     */
    public static TarpoConfig read(Path file, Map<String, String> overrides) throws IOException {
        JsonNode tree;
        String name = file.getFileName().toString();
        ObjectMapper m = name.endsWith(".yaml") || name.endsWith(".yml") ? YAML : JSON;
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such config file");
        try {
            tree = m.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid " + (m == YAML ? "YAML" : "JSON") + " (" + e.getOriginalMessage() + ")", e);
        }
        if (tree == null || tree.isMissingNode()) throw new IllegalArgumentException(file + ": the config file is empty");
        if (!tree.isObject()) throw new IllegalArgumentException(file + ": expected an object at the top level");
        return fromTree((ObjectNode) tree, overrides, file.toString());
    }

    /**
     * The defaults with overrides applied; {@code defaults(Map.of())} is the paper's settings, to change field by field.
     *
     * @param overrides keys (snake_case or camelCase) and values as on the command line
     * @return the config
     * @throws IllegalArgumentException for an unknown key or a bad value, naming the key
     */
    public static TarpoConfig defaults(Map<String, String> overrides) {
        return fromTree(JSON.createObjectNode(), overrides, "command line");
    }

    /**
     * A validated copy with {@code key=value} overrides applied (keys and values as in {@link #read}).
     *
     * @param overrides keys and values
     * @return the copy
     */
    public TarpoConfig withOverrides(Map<String, String> overrides) {
        return fromTree(JSON.valueToTree(this), overrides, "overrides");
    }

    private static TarpoConfig fromTree(ObjectNode tree, Map<String, String> overrides, String source) {
        ObjectNode normalised = JSON.createObjectNode();
        Map<String, String> spelling = new LinkedHashMap<>();
        tree.fields().forEachRemaining(e -> {
            String previous = spelling.put(camel(e.getKey()), e.getKey());
            if (previous != null) {
                throw new IllegalArgumentException(source + ": key '" + e.getKey() + "' is given twice (as '" + previous
                        + "' and '" + e.getKey() + "')");
            }
            normalised.set(camel(e.getKey()), e.getValue());
        });
        overrides.forEach((k, v) -> normalised.set(camel(k), parseValue(v)));
        try {
            TarpoConfig c = JSON.treeToValue(normalised, TarpoConfig.class);
            c.validate();
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(source + ": unknown key '" + e.getPropertyName() + "'", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": " + keyOf(e) + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** {@code "key 'beta': "} for the key a type error is about, or "" when Jackson does not say. */
    private static String keyOf(com.fasterxml.jackson.core.JsonProcessingException e) {
        String key = null;
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            key = m.getPath().get(0).getFieldName();
        } else if (e.getProcessor() instanceof JsonParser p) {
            try {
                key = p.currentName(); // e.g. an int out of range, reported by the parser, not the mapper
            } catch (IOException ignored) {
                // no key then
            }
        }
        return key == null ? "" : "key '" + key + "': ";
    }

    private static JsonNode parseValue(String v) {
        try {
            return JSON.readTree(v);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(v); // a bare word is a string
        }
    }

    /** {@code learning_rate} / {@code learning-rate} -> {@code learningRate}. */
    static String camel(String key) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char ch : key.toCharArray()) {
            if (ch == '_' || ch == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return b.toString();
    }

    /**
     * Checks every value; call it after setting fields by hand (the trainer calls it too).
     *
     * @throws IllegalArgumentException naming the first key out of range
     */
    public void validate() {
        given("dataFormat", dataFormat);
        given("outputDir", outputDir);
        given("lossType", lossType);
        given("scaleRewards", scaleRewards);
        given("lrSchedulerType", lrSchedulerType);
        given("mode", mode);
        given("referenceContext", referenceContext);
        positive("numGenerations", numGenerations);
        positive("promptsPerStep", promptsPerStep);
        positive("maxSteps", maxSteps);
        positive("numIterations", numIterations);
        positive("maxCompletionLength", maxCompletionLength);
        positive("softTopK", softTopK);
        if (perDeviceTrainBatchSize != null) positive("perDeviceTrainBatchSize", perDeviceTrainBatchSize);
        if (rolloutBatchSize != null) positive("rolloutBatchSize", rolloutBatchSize);
        positive("loggingSteps", loggingSteps);
        nonNegative("saveSteps", saveSteps);
        nonNegative("logCompletionsSteps", logCompletionsSteps);
        range("beta", beta, 0, Double.MAX_VALUE);
        range("epsilon", epsilon, 0, 1);
        if (epsilonHigh != null) range("epsilonHigh", epsilonHigh, 0, 10);
        range("temperature", temperature, 1e-6, 100);
        range("topP", topP, 1e-9, 1);
        nonNegative("topK", topK);
        range("learningRate", learningRate, 0, 1);
        range("actionLearningRate", actionLearningRate, 0, 1);
        range("warmupRatio", warmupRatio, 0, 1);
        range("weightDecay", weightDecay, 0, 10);
        range("adamBeta1", adamBeta1, 0, 0.999999);
        range("adamBeta2", adamBeta2, 0, 0.999999);
        range("maxGradNorm", maxGradNorm, 0, Double.MAX_VALUE);
        range("actionLossWeight", actionLossWeight, 0, 1e6);
        range("actionTemperature", actionTemperature, 1e-6, 100);
        range("adamEpsilon", adamEpsilon, Double.MIN_NORMAL, 1);
        range("actionBias", actionBias, -1e6, 1e6);
        if (initialHardProbability != null) range("initialHardProbability", initialHardProbability, 1e-12, 1 - 1e-12);
        if (numGenerations < 2) throw new IllegalArgumentException("numGenerations must be >= 2 (group-relative advantages), got " + numGenerations);
        named("mode", () -> LatentMode.parse(mode));
        named("lossType", () -> LossType.parse(lossType));
        scaleRewards();
        lrKind();
        if (!referenceContext.equals("hard") && !referenceContext.equals("mixed")) {
            throw new IllegalArgumentException("referenceContext must be 'hard' or 'mixed', got '" + referenceContext + "'");
        }
        if (!Datasets.FORMATS.contains(dataFormat) && !dataFormat.equals(EMBEDDED_FORMAT)) {
            throw new IllegalArgumentException("dataFormat must be one of " + Datasets.FORMATS + " or " + EMBEDDED_FORMAT
                    + ", got '" + dataFormat + "'");
        }
        if (answerMarker == null || answerMarker.isEmpty()) throw new IllegalArgumentException("answerMarker must be non-empty");
        if (bannedTokenIds != null && bannedTokenIds.stream().anyMatch(id -> id == null || id < 0)) {
            throw new IllegalArgumentException("bannedTokenIds must be token ids (>= 0), got " + bannedTokenIds);
        }
        if (useLora) {
            positive("loraRank", loraRank);
            range("loraAlpha", loraAlpha, -1e6, 1e6);
            if (loraTargets == null) throw new IllegalArgumentException("loraTargets must be given when useLora is true, got null");
            named("loraTargets", this::lora);
        }
        named("softInputSource", this::softInput);
        if (sparkMaster != null && sparkMaster.isBlank()) throw new IllegalArgumentException("sparkMaster must be a Spark master URL or null, got ''");
        if (rewardWeights == null || rewardWeights.isEmpty()) throw new IllegalArgumentException("rewardWeights must name at least one reward");
        rewardWeights.forEach((name, w) -> {
            if (w == null || !Double.isFinite(w)) throw new IllegalArgumentException("rewardWeights: weight of '" + name + "' must be a number, got " + w);
        });
    }

    /** Runs a check whose own message may not name the key, prefixing it. */
    private static void named(String key, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static void given(String k, Object v) { if (v == null) throw new IllegalArgumentException(k + " must be given, got null"); }

    private static void positive(String k, int v) { if (v <= 0) throw new IllegalArgumentException(k + " must be positive, got " + v); }

    private static void nonNegative(String k, int v) { if (v < 0) throw new IllegalArgumentException(k + " must be >= 0, got " + v); }

    private static void range(String k, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) throw new IllegalArgumentException(k + " must be in [" + lo + ", " + hi + "], got " + v);
    }

    // --- typed views

    /** @return {@link #mode} as an enum */
    @JsonIgnore public LatentMode latentMode() { return LatentMode.parse(mode); }

    /** @return the router's initialisation: b0 from {@link #initialHardProbability} or {@link #actionBias} */
    @JsonIgnore public RouterConfig router() {
        RouterConfig base = initialHardProbability != null ? RouterConfig.withInitialHardProbability(initialHardProbability)
                : RouterConfig.withHardBias(actionBias);
        return new RouterConfig(base.hardBias(), base.weightStd(), actionTemperature);
    }

    /** @return what a soft input is */
    @JsonIgnore public SoftInputConfig softInput() {
        SoftInputConfig.Source source = switch (softInputSource) {
            case "topk" -> SoftInputConfig.Source.TOP_K_EMBEDDINGS;
            case "hidden" -> SoftInputConfig.Source.HIDDEN_STATE;
            default -> throw new IllegalArgumentException("softInputSource must be topk or hidden, got '" + softInputSource + "'");
        };
        return new SoftInputConfig(softTopK, softRenormalise, source);
    }

    /** @return the adapters, or null without LoRA */
    @JsonIgnore public LoraConfig lora() { return useLora ? new LoraConfig(loraRank, loraAlpha, new java.util.HashSet<>(loraTargets)) : null; }

    /** @return the rollout's token sampling */
    @JsonIgnore public SamplingConfig sampling() { return SamplingConfig.sample(temperature, topK, topP); }

    /** @return the objective's settings (internal type) */
    @JsonIgnore public LossConfig loss() {
        return new LossConfig(epsilon, epsilonHigh == null ? epsilon : epsilonHigh, beta, actionLossWeight,
                LossType.parse(lossType), tokenLossOnSoftSteps, maxCompletionLength);
    }

    /** @return {@link #scaleRewards} parsed (internal type) */
    @JsonIgnore public Advantages.ScaleRewards scaleRewards() {
        return switch (scaleRewards.toLowerCase(java.util.Locale.ROOT)) {
            case "group", "true" -> Advantages.ScaleRewards.GROUP;
            case "batch" -> Advantages.ScaleRewards.BATCH;
            case "none", "false" -> Advantages.ScaleRewards.NONE;
            default -> throw new IllegalArgumentException("scaleRewards must be group, batch or none, got '" + scaleRewards + "'");
        };
    }

    /** @return {@link #lrSchedulerType} parsed (internal type) */
    @JsonIgnore public org.tarpo4j.models.training.LearningRateSchedule.Kind lrKind() {
        return switch (lrSchedulerType.toLowerCase(java.util.Locale.ROOT)) {
            case "cosine" -> org.tarpo4j.models.training.LearningRateSchedule.Kind.COSINE;
            case "linear" -> org.tarpo4j.models.training.LearningRateSchedule.Kind.LINEAR;
            case "constant", "constant_with_warmup" -> org.tarpo4j.models.training.LearningRateSchedule.Kind.CONSTANT;
            default -> throw new IllegalArgumentException("lrSchedulerType must be cosine, linear or constant, got '" + lrSchedulerType + "'");
        };
    }

    /** @return every key, camelCase, as indented JSON (what {@link #fromJson} and {@link #read} take back) */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param json a config as {@link #toJson} writes it
     * @return the validated config
     * @throws IllegalArgumentException for bad JSON or values
     */
    public static TarpoConfig fromJson(String json) {
        try {
            TarpoConfig c = JSON.readValue(json, TarpoConfig.class);
            c.validate();
            return c;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("trainer config: " + e.getOriginalMessage(), e);
        }
    }

    /** @return an independent copy */
    public TarpoConfig copy() { return fromJson(toJson()); }

}

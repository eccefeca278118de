package org.tarpo4j.rl.train;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.tarpo.RouterConfig;
import org.tarpo4j.layers.tarpo.SoftInputConfig;
import org.tarpo4j.models.generation.SamplingConfig;
import org.tarpo4j.models.latent.LatentMode;
import org.tarpo4j.rl.config.StrictReader;
import org.tarpo4j.rl.core.Advantages;
import org.tarpo4j.rl.core.LossConfig;
import org.tarpo4j.rl.core.LossType;
import org.tarpo4j.rl.data.Datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a TARPO/GRPO/HRPO run is configured by. Keys are the fields in snake_case ({@code learningRate} is
 * {@code learning_rate}), TRL's {@code GRPOConfig} names where the concept is shared; defaults are the method's §7.
 * Read from JSON or YAML; unknown keys and out-of-range values are errors naming the key. Each field's
 * {@link JsonPropertyDescription} is its one-line help: {@link #keys()} lists keys, defaults and descriptions from the
 * same introspection the reader uses, so the help cannot drift from what is read.
 *
 * <p>Long because it is the list of every key with its default and help, and the one place each value is checked;
 * reading is {@link StrictReader}'s.
 */
public final class TarpoConfig {
    // --- model and data
    /**
     * The starting model ({@code model_path}): a Hugging Face directory or hub id with an optional {@code @revision};
     * for {@code arith} the warm start.
     */
    @JsonPropertyDescription("the starting model: a Hugging Face directory, or a hub id with an optional revision (Qwen/Qwen2.5-0.5B-Instruct@main); for data_format arith: the warm start")
    public String modelPath;
    /**
     * The training data ({@code train_data}): a JSONL file read as {@link #dataFormat} says; unused for {@code arith}.
     */
    @JsonPropertyDescription("training data, a JSONL file read as data_format says (unused for arith)")
    public String trainData;
    /**
     * How the data is read ({@code data_format}, default {@code gsm8k}): {@code gsm8k}, {@code math}, {@code jsonl},
     * {@code arith} or a provider's name.
     */
    @JsonPropertyDescription("gsm8k | math | jsonl ({\"prompt\", \"answer\"} rows) | arith (the embedded task, problems generated)")
    public String dataFormat = "gsm8k";
    /** The run directory for checkpoints, metrics and completions ({@code output_dir}, default {@code runs/tarpo}). */
    @JsonPropertyDescription("the run directory: checkpoints, metrics, completions (arith under train: a new RUNS/<timestamp>-<mode>)")
    public String outputDir = "runs/tarpo";

    // --- TRL GRPOConfig names
    /** Completions per prompt, G ({@code num_generations}, default 8, at least 2). */
    @JsonPropertyDescription("completions per prompt (G), at least 2 for group-relative advantages")
    public int numGenerations = 8;
    /** Prompts per optimiser step ({@code prompts_per_step}, default 8, the paper's). */
    @JsonPropertyDescription("prompts per optimiser step (the paper: 8); each gives num_generations completions")
    public int promptsPerStep = 8;
    /** Optimiser steps of the run ({@code max_steps}, default 100). */
    @JsonPropertyDescription("optimiser steps of the run")
    public int maxSteps = 100;
    /** KL weight on the token and the route term ({@code beta}, default 0.005); 0 loads no reference model. */
    @JsonPropertyDescription("KL weight, on both the token and the route term; 0 = no reference model")
    public double beta = 0.005;
    /** Lower clip of the importance ratio, {@code 1 - epsilon} ({@code epsilon}, default 0.2, in [0, 1]). */
    @JsonPropertyDescription("lower clip of the importance ratio, 1 - epsilon")
    public double epsilon = 0.2;
    /** Upper clip of the importance ratio, {@code 1 + epsilon_high} ({@code epsilon_high}); null = {@link #epsilon}. */
    @JsonPropertyDescription("upper clip of the importance ratio, 1 + epsilon_high; null = epsilon")
    public Double epsilonHigh;
    /** Updates per rollout batch, mu ({@code num_iterations}, default 1). */
    @JsonPropertyDescription("updates per rollout batch (mu); the ratio and clip matter only above 1")
    public int numIterations = 1;
    /**
     * Loss aggregation ({@code loss_type}, default {@code grpo}): {@code grpo}, {@code bnpo}, {@code dr_grpo} or
     * {@code dapo}.
     */
    @JsonPropertyDescription("loss aggregation: grpo (per-sequence mean) | bnpo | dr_grpo | dapo (token mean)")
    public LossType lossType = LossType.GRPO;
    /**
     * Advantage scaling ({@code scale_rewards}, default {@code group}): {@code group}, {@code batch} or {@code none}.
     */
    @JsonPropertyDescription("advantage scaling: group | batch | none")
    public Advantages.ScaleRewards scaleRewards = Advantages.ScaleRewards.GROUP;
    /** Sampling temperature, at which log-probs are also taken ({@code temperature}, default 0.5). */
    @JsonPropertyDescription("token sampling temperature; log-probs are taken at it too, as TRL does")
    public double temperature = 0.5;
    /** Tokens kept when sampling, 0 = all ({@code top_k}, default 50). */
    @JsonPropertyDescription("keep the k most likely tokens when sampling, 0 = all")
    public int topK = 50;
    /** Nucleus sampling threshold in (0, 1] ({@code top_p}, default 1.0). */
    @JsonPropertyDescription("nucleus sampling threshold")
    public double topP = 1.0;
    /** Tokens per completion at most ({@code max_completion_length}, default 1024). */
    @JsonPropertyDescription("tokens per completion at most")
    public int maxCompletionLength = 1024;
    /**
     * Whether completions without a stop token are left out of the loss ({@code mask_truncated_completions}, default
     * false).
     */
    @JsonPropertyDescription("leave truncated completions (no stop token) out of the loss")
    public boolean maskTruncatedCompletions = false;
    /** Peak learning rate of the backbone or its LoRA adapters ({@code learning_rate}, default 5e-6). */
    @JsonPropertyDescription("peak learning rate of the backbone (or its LoRA adapters)")
    public double learningRate = 5e-6;
    /** Learning-rate schedule ({@code lr_scheduler_type}, default {@code cosine}). */
    @JsonPropertyDescription("cosine | linear | constant | constant_with_warmup")
    public LrSchedulerType lrSchedulerType = LrSchedulerType.COSINE;
    /** Share of {@link #maxSteps} spent warming the learning rate up ({@code warmup_ratio}, default 0.1). */
    @JsonPropertyDescription("share of max_steps spent warming the learning rate up")
    public double warmupRatio = 0.1;
    /** AdamW weight decay ({@code weight_decay}, default 0.1). */
    @JsonPropertyDescription("AdamW weight decay")
    public double weightDecay = 0.1;
    /** AdamW beta1 ({@code adam_beta1}, default 0.9). */
    @JsonPropertyDescription("AdamW beta1")
    public double adamBeta1 = 0.9;
    /** AdamW beta2 ({@code adam_beta2}, default 0.99). */
    @JsonPropertyDescription("AdamW beta2")
    public double adamBeta2 = 0.99;
    /** AdamW epsilon ({@code adam_epsilon}, default 1e-8). */
    @JsonPropertyDescription("AdamW epsilon")
    public double adamEpsilon = 1e-8;
    /** Global gradient-norm clip ({@code max_grad_norm}, default 0.1). */
    @JsonPropertyDescription("global gradient-norm clip")
    public double maxGradNorm = 0.1;
    /** Seed of sampling, data order and fresh parameters ({@code seed}, default 42). */
    @JsonPropertyDescription("seed of sampling, data order and fresh parameters")
    public long seed = 42;
    /** Steps between checkpoints, 0 = only at the end ({@code save_steps}, default 50). */
    @JsonPropertyDescription("steps between checkpoints, 0 = only at the end")
    public int saveSteps = 50;
    /** Steps between logged tables of completions, 0 = never ({@code log_completions_steps}, default 10). */
    @JsonPropertyDescription("steps between logged tables of completions, 0 = never")
    public int logCompletionsSteps = 10;
    /**
     * Token ids never sampled and left out of the log-probs ({@code banned_token_ids}); null = the model's pad and bos.
     */
    @JsonPropertyDescription("ids never sampled and left out of the log-probs; null = the model's pad and bos")
    public List<Integer> bannedTokenIds;

    // --- memory (a step's result does not depend on these, beyond the order of float sums)
    /**
     * Completions per forward/backward pass ({@code per_device_train_batch_size}); null = the largest that fits the
     * memory plan.
     */
    @JsonPropertyDescription("completions per forward/backward pass; a step's gradient is accumulated over its "
            + "micro-batches (the same update whatever the size); unset = the largest that fits the memory plan")
    public Integer perDeviceTrainBatchSize;
    /**
     * Completions decoded together in a rollout ({@code rollout_batch_size}); null = the largest that fits the memory
     * plan.
     */
    @JsonPropertyDescription("completions decoded together in a rollout (sizes the KV cache and the prefill); "
            + "unset = the largest that fits the memory plan")
    public Integer rolloutBatchSize;
    /**
     * Positions of a row per forward/backward pass, longer rows going in chunks ({@code chunk_length}); null = the
     * longest that fits.
     */
    @JsonPropertyDescription("positions of a row per forward/backward pass: longer rows go in chunks, each attending to "
            + "the cached keys and values of the ones before (the same gradient, one more forward pass); unset = the "
            + "longest that fits the memory plan")
    public Integer chunkLength;
    /**
     * A micro-batch's rows are padded to a multiple of this many positions ({@code pad_to_multiple_of}, as in Hugging
     * Face's collators; default 8), never past {@code max_completion_length} completion positions.
     */
    @JsonPropertyDescription("a micro-batch's rows are padded to a multiple of this many positions (never past "
            + "max_completion_length): a run then meets a few widths, not one per longest completion, and libnd4j keeps "
            + "a descriptor of every shape it meets for the life of the process; 1 = no padding")
    public int padToMultipleOf = 8;

    // --- TARPO
    /** The method ({@code mode}, default {@code tarpo}): {@code tarpo}, {@code grpo} or {@code hrpo}. */
    @JsonPropertyDescription("tarpo (router, soft inputs) | grpo (plain tokens) | hrpo (gated mixing)")
    public LatentMode mode = LatentMode.TARPO;
    /**
     * b0, the router's initial hard log-odds ({@code action_bias}, default 4.6); ignored when
     * {@link #initialHardProbability} is set.
     */
    @JsonPropertyDescription("b0, the router's initial hard log-odds (4.6: P(hard) 0.99); ignored if initial_hard_probability is set")
    public double actionBias = RouterConfig.DEFAULT_ACTION_BIAS;
    /**
     * The router's initial P(hard), giving b0 = logit(p) ({@code initial_hard_probability}); null = use
     * {@link #actionBias}.
     */
    @JsonPropertyDescription("the router's initial P(hard); if set, b0 = logit(p)")
    public Double initialHardProbability;
    /** Learning rate of the router and of HRPO's gate ({@code action_learning_rate}, default 1e-4). */
    @JsonPropertyDescription("learning rate of the router (and HRPO's gate)")
    public double actionLearningRate = 1e-4;
    /** Lambda, the weight of the route term ({@code action_loss_weight}, default 0.1). */
    @JsonPropertyDescription("lambda, the weight of the route term")
    public double actionLossWeight = 0.1;
    /** k of the soft input's top-k embedding mixture ({@code soft_top_k}, default 10). */
    @JsonPropertyDescription("k of the soft input's top-k embedding mixture")
    public int softTopK = 10;
    /** Whether the mixture weights are renormalised over the top k ({@code soft_renormalise}, default true). */
    @JsonPropertyDescription("mixture weights renormalised over the top k (false: the raw probabilities)")
    public boolean softRenormalise = true;
    /**
     * What a soft input is made of ({@code soft_input_source}, default {@code topk}): {@code topk} or {@code hidden}.
     */
    @JsonPropertyDescription("topk (TARPO's embedding mixture) | hidden (COCONUT-style: the step's last hidden state)")
    public SoftInputConfig.Source softInputSource = SoftInputConfig.Source.TOP_K_EMBEDDINGS;
    /**
     * The answer marker after which every route is hard and rewards read the answer ({@code answer_marker}, default
     * {@code ####}).
     */
    @JsonPropertyDescription("the answer marker; every route after it is hard, and rewards read the answer after it")
    public String answerMarker = "####";
    /** Temperature of the router's softmax ({@code action_temperature}, default 1.0). */
    @JsonPropertyDescription("temperature of the router's softmax")
    public double actionTemperature = 1.0;
    /** What the KL reference reads at soft steps ({@code reference_context}, default {@code hard}). */
    @JsonPropertyDescription("hard (reference on the all-hard sequence, the released code) | mixed (the policy's soft inputs)")
    public ReferenceContext referenceContext = ReferenceContext.HARD;
    /**
     * Whether the token term covers soft steps too, as the released code does ({@code token_loss_on_soft_steps},
     * default true).
     */
    @JsonPropertyDescription("true: token term on every step (the released code); false: on hard steps only (the paper)")
    public boolean tokenLossOnSoftSteps = true;
    /**
     * Whether the router's argmax is taken instead of a sampled route, for debugging ({@code greedy_routing}, default
     * false).
     */
    @JsonPropertyDescription("take the router's argmax instead of sampling a route (debugging)")
    public boolean greedyRouting = false;

    // --- LoRA (false = full fine-tuning)
    /** Whether LoRA adapters (and the router) are trained instead of every weight ({@code use_lora}, default true). */
    @JsonPropertyDescription("train LoRA adapters (and the router) instead of every weight")
    public boolean useLora = true;
    /** LoRA rank r ({@code lora_rank}, default 32). */
    @JsonPropertyDescription("LoRA rank r")
    public int loraRank = 32;
    /** LoRA alpha, the scale being alpha / r ({@code lora_alpha}, default 64). */
    @JsonPropertyDescription("LoRA alpha (scale alpha / r)")
    public double loraAlpha = 64;
    /**
     * Projections that get adapters ({@code lora_targets}, default all seven of {@link LoraConfig#ALL_PROJECTIONS}).
     */
    @JsonPropertyDescription("projections that get adapters")
    public List<String> loraTargets = new ArrayList<>(LoraConfig.ALL_PROJECTIONS);

    // --- scale-out
    /**
     * A Spark master URL whose executors run rollouts and gradients ({@code spark_master}); null = all in this process.
     */
    @JsonPropertyDescription("a Spark master URL (local[2], spark://host:7077): rollouts and gradients run on its executors, "
            + "with the same result as here; null = all in this process")
    public String sparkMaster;

    /** Reward name to weight, summed ({@code reward_weights}, default {@code gsm8k: 1.0}). */
    @JsonPropertyDescription("reward name -> weight: gsm8k | math | format (arith for the embedded task)")
    public Map<String, Double> rewardWeights = new LinkedHashMap<>(Map.of("gsm8k", 1.0));

    private static final ObjectMapper JSON = StrictReader.JSON;

    /**
     * One key of the config.
     *
     * @param name         the snake_case key, e.g. {@code learning_rate}
     * @param defaultValue its default as JSON, e.g. {@code 5.0E-6} or {@code null}
     * @param description  its one-line help, empty when it has none
     */
    public record Key(String name, String defaultValue, String description) {}

    /**
     * Every key in declaration order, from the reader's own view of the class.
     *
     * @return the keys with their defaults and descriptions
     */
    public static List<Key> keys() {
        JsonNode defaults = JSON.valueToTree(new TarpoConfig());
        List<Key> out = new ArrayList<>();
        for (BeanPropertyDefinition p : JSON.getDeserializationConfig().introspect(JSON.constructType(TarpoConfig.class)).findProperties()) {
            String description = p.getMetadata().getDescription();
            out.add(new Key(p.getName(), text(defaults.get(p.getName())), description == null ? "" : description));
        }
        return out;
    }

    /** A value as JSON (and YAML) with a space after each comma, e.g. {@code ["q_proj", "k_proj"]}. */
    private static String text(JsonNode v) {
        List<String> parts = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(e -> parts.add(text(e)));
            return "[" + String.join(", ", parts) + "]";
        }
        if (v.isObject()) {
            v.fields().forEachRemaining(e -> parts.add(JSON.getNodeFactory().textNode(e.getKey()) + ": " + text(e.getValue())));
            return "{" + String.join(", ", parts) + "}";
        }
        return v.toString();
    }

    /**
     * {@link #keys()} as help text: {@code key = default} a line, the description below it, both wrapped at 78 columns
     * (the command line's help would otherwise break them anywhere).
     *
     * @return the table, one {@code \n} after each line
     */
    public static String keyTable() {
        StringBuilder b = new StringBuilder();
        for (Key k : keys()) {
            wrap(b, "  " + k.name() + " = " + k.defaultValue(), "      ");
            wrap(b, "      " + k.description(), "      ");
        }
        return b.toString();
    }

    private static void wrap(StringBuilder out, String text, String indent) {
        StringBuilder line = new StringBuilder();
        for (String word : text.split("(?<= )(?=\\S)")) { // words keep their trailing space
            if (line.length() + word.strip().length() > 78 && !line.toString().isBlank()) {
                out.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(indent);
            }
            line.append(word);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    /**
     * Reads a JSON or YAML file (by extension) and applies {@code key=value} overrides, then validates.
     *
     * @param file      a config, read as YAML when it ends in {@code .yaml} or {@code .yml}, else as JSON
     * @param overrides keys (snake_case, with {@code -} read as {@code _}) and values as on the command line
     * @return the validated config
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException for a missing or malformed file, an unknown key or a bad value, naming the file and
     *                                  the key
     */
    public static TarpoConfig read(Path file, Map<String, String> overrides) throws IOException {
        return fromTree(StrictReader.readObject(file, "config"), overrides, file.toString());
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
        ObjectNode merged = tree.deepCopy();
        Map<String, String> spelling = new LinkedHashMap<>();
        overrides.forEach((k, v) -> {
            // on the command line --learning-rate and --learning_rate are the same key
            String key = k.replace('-', '_');
            String previous = spelling.put(key, k);
            if (previous != null) {
                throw new IllegalArgumentException(source + ": key '" + key + "' is given twice (as '" + previous + "' and '" + k + "')");
            }
            merged.set(key, StrictReader.value(v));
        });
        TarpoConfig c = StrictReader.convert(merged, TarpoConfig.class, source, TarpoConfig::suggestion);
        try {
            c.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        return c;
    }

    /** {@code " (keys are snake_case: 'learning_rate')"} for a camelCase spelling of a key, else where the keys are listed. */
    private static String suggestion(String key) {
        String snake = PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(key);
        boolean known = keys().stream().anyMatch(k -> k.name().equals(snake));
        return known && !snake.equals(key) ? " (keys are snake_case: '" + snake + "')" : "; the keys are listed by tarpo train --help";
    }

    /**
     * Checks every value: required keys given, counts and weights in range, a known data format and LoRA targets.
     *
     * @throws IllegalArgumentException for the first bad value, naming its snake_case key
     */
    public void validate() {
        given("data_format", dataFormat);
        given("output_dir", outputDir);
        given("loss_type", lossType);
        given("scale_rewards", scaleRewards);
        given("lr_scheduler_type", lrSchedulerType);
        given("mode", mode);
        given("reference_context", referenceContext);
        given("soft_input_source", softInputSource);
        positive("num_generations", numGenerations);
        positive("prompts_per_step", promptsPerStep);
        positive("max_steps", maxSteps);
        positive("num_iterations", numIterations);
        positive("max_completion_length", maxCompletionLength);
        positive("soft_top_k", softTopK);
        positive("pad_to_multiple_of", padToMultipleOf);
        nonNegative("save_steps", saveSteps);
        nonNegative("log_completions_steps", logCompletionsSteps);
        range("beta", beta, 0, Double.MAX_VALUE);
        range("epsilon", epsilon, 0, 1);
        if (epsilonHigh != null) range("epsilon_high", epsilonHigh, 0, 10);
        range("temperature", temperature, 1e-6, 100);
        range("top_p", topP, 1e-9, 1);
        nonNegative("top_k", topK);
        range("learning_rate", learningRate, 0, 1);
        range("action_learning_rate", actionLearningRate, 0, 1);
        range("warmup_ratio", warmupRatio, 0, 1);
        range("weight_decay", weightDecay, 0, 10);
        range("adam_beta1", adamBeta1, 0, 0.999999);
        range("adam_beta2", adamBeta2, 0, 0.999999);
        range("max_grad_norm", maxGradNorm, 0, Double.MAX_VALUE);
        range("action_loss_weight", actionLossWeight, 0, 1e6);
        range("action_temperature", actionTemperature, 1e-6, 100);
        range("adam_epsilon", adamEpsilon, Double.MIN_NORMAL, 1);
        range("action_bias", actionBias, -1e6, 1e6);
        if (initialHardProbability != null) range("initial_hard_probability", initialHardProbability, 1e-12, 1 - 1e-12);
        if (numGenerations < 2) throw new IllegalArgumentException("num_generations must be >= 2 (group-relative advantages), got " + numGenerations);
        if (!Datasets.formats().contains(dataFormat)) {
            throw new IllegalArgumentException("data_format must be one of " + Datasets.formats() + ", got '" + dataFormat + "'");
        }
        if (answerMarker == null || answerMarker.isEmpty()) throw new IllegalArgumentException("answer_marker must be non-empty");
        if (bannedTokenIds != null && bannedTokenIds.stream().anyMatch(id -> id == null || id < 0)) {
            throw new IllegalArgumentException("banned_token_ids must be token ids (>= 0), got " + bannedTokenIds);
        }
        if (useLora) {
            positive("lora_rank", loraRank);
            range("lora_alpha", loraAlpha, -1e6, 1e6);
            if (loraTargets == null) throw new IllegalArgumentException("lora_targets must be given when use_lora is true, got null");
            named("lora_targets", this::lora);
        }
        if (sparkMaster != null && sparkMaster.isBlank()) throw new IllegalArgumentException("spark_master must be a Spark master URL or null, got ''");
        if (rewardWeights == null || rewardWeights.isEmpty()) throw new IllegalArgumentException("reward_weights must name at least one reward");
        rewardWeights.forEach((name, w) -> {
            if (w == null || !Double.isFinite(w)) throw new IllegalArgumentException("reward_weights: weight of '" + name + "' must be a number, got " + w);
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

    /** @return the router's initialisation: b0 from {@link #initialHardProbability} or {@link #actionBias} */
    @JsonIgnore public RouterConfig router() {
        RouterConfig base = initialHardProbability != null ? RouterConfig.withInitialHardProbability(initialHardProbability)
                : RouterConfig.withActionBias(actionBias);
        return new RouterConfig(base.actionBias(), base.weightStd(), actionTemperature);
    }

    /** @return what a soft input is */
    @JsonIgnore public SoftInputConfig softInput() { return new SoftInputConfig(softTopK, softRenormalise, softInputSource); }

    /** @return the adapters, or null without LoRA */
    @JsonIgnore public LoraConfig lora() { return useLora ? new LoraConfig(loraRank, loraAlpha, new java.util.HashSet<>(loraTargets)) : null; }

    /** @return the rollout's token sampling */
    @JsonIgnore public SamplingConfig sampling() { return SamplingConfig.sample(temperature, topK, topP); }

    /** @return the objective's settings (internal type) */
    @JsonIgnore public LossConfig loss() {
        return new LossConfig(epsilon, epsilonHigh == null ? epsilon : epsilonHigh, beta, actionLossWeight,
                lossType, tokenLossOnSoftSteps, maxCompletionLength);
    }

    /** @return every key, snake_case, as indented JSON (what {@link #fromJson} and {@link #read} take back) */
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

package org.tarpo4j.models.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.layers.RopeScaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The architecture of a Qwen2 or Llama decoder, read from (and written as) Hugging Face's {@code config.json}.
 * The two families share one implementation; where they differ it is a field here ({@link #qkvBias},
 * {@link #outputBias}, {@link #ropeScaling}, {@link #tieWordEmbeddings}, ...).
 *
 * <p>Each field is the {@code config.json} key of the same name in snake_case. An unsupported or inconsistent value is
 * a {@link ConfigException} naming the file and the field. Long because each of its twenty fields is read, checked
 * and written here.
 *
 * @param modelType             {@code qwen2} or {@code llama}
 * @param hiddenSize            the model width d
 * @param numHiddenLayers       decoder layers
 * @param numAttentionHeads     query heads
 * @param numKeyValueHeads      key/value heads (a divisor of the query heads)
 * @param headDim               the head size (even)
 * @param intermediateSize      the MLP width
 * @param vocabSize             the vocabulary size
 * @param rmsNormEps            the norms' epsilon
 * @param ropeTheta             the rotary base
 * @param ropeScaling           {@code rope_scaling}; null means none
 * @param maxPositionEmbeddings the longest sequence the model was trained for
 * @param tieWordEmbeddings     whether the LM head is the embedding table
 * @param qkvBias               biases on q/k/v projections (Qwen2: always; Llama: {@code attention_bias})
 * @param outputBias            bias on o_proj (Llama's {@code attention_bias}; Qwen2: never)
 * @param mlpBias               biases on the MLP projections (Llama's {@code mlp_bias})
 * @param bosTokenId            the beginning-of-sequence id, or null
 * @param eosTokenIds           one or more end-of-sequence ids (Llama-3.1 lists three)
 * @param padTokenId            the padding id, or null
 * @param torchDtype            the dtype the checkpoint was saved in, informational ({@code float16}, {@code bfloat16}, ...)
 */
public record ModelConfig(String modelType, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
                          int numKeyValueHeads, int headDim, int intermediateSize, int vocabSize, double rmsNormEps,
                          double ropeTheta, RopeScaling ropeScaling, int maxPositionEmbeddings,
                          boolean tieWordEmbeddings, boolean qkvBias, boolean outputBias, boolean mlpBias,
                          Integer bosTokenId, List<Integer> eosTokenIds, Integer padTokenId, String torchDtype) {

    /** The {@code model_type}s this decoder implements. */
    public static final List<String> SUPPORTED_TYPES = List.of("qwen2", "llama");
    // trailing content is an error, as in Python's json.load (which transformers uses)
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Checks the architecture.
     *
     * @param modelType             {@code qwen2} or {@code llama}
     * @param hiddenSize            positive
     * @param numHiddenLayers       positive
     * @param numAttentionHeads     positive, a multiple of {@code numKeyValueHeads}
     * @param numKeyValueHeads      positive
     * @param headDim               positive and even
     * @param intermediateSize      positive
     * @param vocabSize             positive
     * @param rmsNormEps            positive
     * @param ropeTheta             positive
     * @param ropeScaling           null means none
     * @param maxPositionEmbeddings positive
     * @param tieWordEmbeddings     whether the LM head is the embedding table
     * @param qkvBias               biases on q/k/v
     * @param outputBias            a bias on o_proj
     * @param mlpBias               biases on the MLP
     * @param bosTokenId            in the vocabulary, or null
     * @param eosTokenIds           each in the vocabulary
     * @param padTokenId            in the vocabulary, or null
     * @param torchDtype            informational
     * @throws ConfigException naming the field that is out of range
     */
    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        ropeScaling = ropeScaling == null ? RopeScaling.NONE : ropeScaling;
        String where = "config";
        if (!SUPPORTED_TYPES.contains(modelType)) {
            throw new ConfigException(where + ": unsupported model_type '" + modelType + "' (supported: " + SUPPORTED_TYPES + ")");
        }
        positive(where, "hidden_size", hiddenSize);
        positive(where, "num_hidden_layers", numHiddenLayers);
        positive(where, "num_attention_heads", numAttentionHeads);
        positive(where, "num_key_value_heads", numKeyValueHeads);
        positive(where, "head_dim", headDim);
        positive(where, "intermediate_size", intermediateSize);
        positive(where, "vocab_size", vocabSize);
        positive(where, "max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new ConfigException(where + ": num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
        if (headDim % 2 != 0) throw new ConfigException(where + ": head_dim must be even for rotary embeddings, got " + headDim);
        if (!(rmsNormEps > 0)) throw new ConfigException(where + ": rms_norm_eps must be > 0, got " + rmsNormEps);
        if (!(ropeTheta > 0)) throw new ConfigException(where + ": rope_theta must be > 0, got " + ropeTheta);
        for (Integer id : eosTokenIds) checkTokenId(where, "eos_token_id", id, vocabSize);
        checkTokenId(where, "bos_token_id", bosTokenId, vocabSize);
        checkTokenId(where, "pad_token_id", padTokenId, vocabSize);
    }

    /**
     * A Qwen2-shaped config (q/k/v biases, tied embeddings), as used for small models trained from scratch.
     *
     * @param hidden       the width (head size {@code hidden / heads})
     * @param layers       decoder layers
     * @param heads        query heads
     * @param kvHeads      key/value heads
     * @param intermediate the MLP width
     * @param vocab        the vocabulary size
     * @param maxPositions the longest sequence
     * @param bosId        the beginning-of-sequence id
     * @param eosId        the end-of-sequence id
     * @param padId        the padding id
     * @return the config
     */
    public static ModelConfig qwen2(int hidden, int layers, int heads, int kvHeads, int intermediate, int vocab,
                                    int maxPositions, int bosId, int eosId, int padId) {
        return new ModelConfig("qwen2", hidden, layers, heads, kvHeads, hidden / heads, intermediate, vocab, 1e-6, 10000.0,
                RopeScaling.NONE, maxPositions, true, true, false, false, bosId, List.of(eosId), padId, "float32");
    }

    /**
     * @param dtype PyTorch's name of the dtype, e.g. {@code bfloat16}
     * @return this config with another {@code torch_dtype} (what a checkpoint written in that dtype declares)
     */
    public ModelConfig withTorchDtype(String dtype) {
        return new ModelConfig(modelType, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, vocabSize, rmsNormEps, ropeTheta, ropeScaling, maxPositionEmbeddings, tieWordEmbeddings,
                qkvBias, outputBias, mlpBias, bosTokenId, eosTokenIds, padTokenId, dtype);
    }

    /** @return whether this is a Qwen2 model */
    public boolean isQwen2() { return modelType.equals("qwen2"); }

    /** @return the id that fills padding: {@code pad_token_id}, or the first end-of-sequence id when the model has none */
    public int fillTokenId() {
        return padTokenId != null ? padTokenId : primaryEosTokenId();
    }

    /**
     * The first end-of-sequence id.
     *
     * @return it
     * @throws IllegalStateException when the config has none
     */
    public int primaryEosTokenId() {
        if (eosTokenIds.isEmpty()) throw new IllegalStateException("config has no eos_token_id");
        return eosTokenIds.get(0);
    }

    /**
     * The same config with or without a tied LM head.
     *
     * @param tie whether the LM head is the embedding table
     * @return the config
     */
    public ModelConfig withTieWordEmbeddings(boolean tie) {
        return new ModelConfig(modelType, hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, headDim,
                intermediateSize, vocabSize, rmsNormEps, ropeTheta, ropeScaling, maxPositionEmbeddings, tie, qkvBias,
                outputBias, mlpBias, bosTokenId, eosTokenIds, padTokenId, torchDtype);
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads {@code config.json} from a file or a model directory.
     *
     * @param fileOrDirectory the file, or the directory holding it
     * @return the config
     * @throws IOException when the file cannot be read
     * @throws ConfigException when it is missing, not JSON, or describes no supported model (naming the field)
     */
    public static ModelConfig read(Path fileOrDirectory) throws IOException {
        Path file = Files.isDirectory(fileOrDirectory) ? fileOrDirectory.resolve("config.json") : fileOrDirectory;
        if (!Files.isRegularFile(file)) throw new ConfigException(file + ": no config.json found");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            // some errors (e.g. nesting too deep) come without a location
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(file + ": not valid JSON (" + e.getOriginalMessage() + at + ")", e);
        }
        return fromJson(root, file.toString());
    }

    /**
     * Parses a config.
     *
     * @param root   the parsed {@code config.json}
     * @param source names the file in error messages
     * @return the config
     * @throws ConfigException naming the field that is missing, of the wrong type or out of range
     */
    public static ModelConfig fromJson(JsonNode root, String source) {
        if (root == null || !root.isObject()) throw new ConfigException(source + ": expected a JSON object");
        Fields f = new Fields(root, source);
        String type = f.string("model_type", null);
        if (type == null) throw new ConfigException(source + ": missing field 'model_type'");
        if (!SUPPORTED_TYPES.contains(type)) {
            throw new ConfigException(source + ": unsupported model_type '" + type + "' (supported: " + SUPPORTED_TYPES + ")");
        }
        if (!"silu".equals(f.string("hidden_act", "silu"))) {
            throw new ConfigException(source + ": unsupported hidden_act '" + f.string("hidden_act", null) + "' (only silu)");
        }
        if (f.bool("use_sliding_window", false)) {
            throw new ConfigException(source + ": use_sliding_window=true is not supported");
        }
        int hidden = f.positiveInt("hidden_size");
        int heads = f.positiveInt("num_attention_heads");
        int headDim;
        if (root.hasNonNull("head_dim")) {
            headDim = f.positiveInt("head_dim");
        } else {
            if (hidden % heads != 0) {
                throw new ConfigException(source + ": hidden_size (" + hidden + ") is not divisible by num_attention_heads ("
                        + heads + ") and no head_dim is given");
            }
            headDim = hidden / heads;
        }
        boolean qwen = type.equals("qwen2");
        boolean attentionBias = f.bool("attention_bias", false);
        try {
            return new ModelConfig(type, hidden, f.positiveInt("num_hidden_layers"), heads,
                    root.hasNonNull("num_key_value_heads") ? f.positiveInt("num_key_value_heads") : heads, headDim,
                    f.positiveInt("intermediate_size"), f.positiveInt("vocab_size"), f.number("rms_norm_eps", 1e-6),
                    f.number("rope_theta", 10000.0), ropeScaling(root.get("rope_scaling"), source),
                    root.hasNonNull("max_position_embeddings") ? f.positiveInt("max_position_embeddings") : 2048,
                    f.bool("tie_word_embeddings", false), qwen || attentionBias, !qwen && attentionBias,
                    f.bool("mlp_bias", false), f.optionalInt("bos_token_id"), f.intList("eos_token_id"),
                    f.optionalInt("pad_token_id"), f.string("torch_dtype", "float32"));
        } catch (ConfigException e) {
            throw new ConfigException(e.getMessage().replaceFirst("^config", source), e);
        }
    }

    private static RopeScaling ropeScaling(JsonNode node, String source) {
        if (node == null || node.isNull()) return RopeScaling.NONE;
        if (!node.isObject()) throw new ConfigException(source + ": rope_scaling must be an object or null");
        Fields f = new Fields(node, source + " rope_scaling");
        String type = f.string("rope_type", f.string("type", null));
        if (type == null) throw new ConfigException(source + ": rope_scaling has no 'rope_type'");
        try {
            return switch (type) {
                case "default" -> RopeScaling.NONE;
                case "linear" -> RopeScaling.linear(f.number("factor", Double.NaN));
                case "llama3" -> RopeScaling.llama3(f.number("factor", Double.NaN), f.number("low_freq_factor", Double.NaN),
                        f.number("high_freq_factor", Double.NaN), f.positiveInt("original_max_position_embeddings"));
                default -> throw new IllegalArgumentException("unsupported rope_scaling type '" + type
                        + "' (supported: default, linear, llama3)");
            };
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- writing

    /** @return the Hugging Face {@code config.json} content for this config */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(isQwen2() ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
        o.put("model_type", modelType);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_key_value_heads", numKeyValueHeads);
        o.put("head_dim", headDim);
        o.put("vocab_size", vocabSize);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (ropeScaling.type().equals("default")) {
            o.putNull("rope_scaling");
        } else {
            ObjectNode rs = o.putObject("rope_scaling");
            rs.put("rope_type", ropeScaling.type());
            rs.put("factor", ropeScaling.factor());
            if (ropeScaling.type().equals("llama3")) {
                rs.put("low_freq_factor", ropeScaling.lowFreqFactor());
                rs.put("high_freq_factor", ropeScaling.highFreqFactor());
                rs.put("original_max_position_embeddings", ropeScaling.originalMaxPositionEmbeddings());
            }
        }
        o.put("hidden_act", "silu");
        if (!isQwen2()) {
            o.put("attention_bias", outputBias);
            o.put("mlp_bias", mlpBias);
        }
        o.put("tie_word_embeddings", tieWordEmbeddings);
        if (bosTokenId != null) o.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else if (!eosTokenIds.isEmpty()) {
            ArrayNode a = o.putArray("eos_token_id");
            eosTokenIds.forEach(a::add);
        }
        if (padTokenId != null) o.put("pad_token_id", padTokenId);
        o.put("torch_dtype", torchDtype);
        return o;
    }

    /**
     * Writes {@link #toJson()}.
     *
     * @param file the {@code config.json} to write
     * @throws IOException when writing fails
     */
    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson()));
    }

    // ---------------------------------------------------------------- helpers

    private static void positive(String where, String field, int value) {
        if (value <= 0) throw new ConfigException(where + ": field '" + field + "' must be a positive integer, got " + value);
    }

    private static void checkTokenId(String where, String field, Integer id, int vocab) {
        if (id != null && (id < 0 || id >= vocab)) {
            throw new ConfigException(where + ": " + field + " " + id + " is outside the vocabulary [0, " + vocab + ")");
        }
    }

    /** Typed access to JSON fields, with errors naming the file and field. */
    private record Fields(JsonNode node, String source) {
        String string(String name, String fallback) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return fallback;
            if (!v.isTextual()) throw bad(name, "a string", v);
            return v.asText();
        }

        boolean bool(String name, boolean fallback) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return fallback;
            if (!v.isBoolean()) throw bad(name, "true or false", v);
            return v.asBoolean();
        }

        double number(String name, double fallback) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) {
                if (Double.isNaN(fallback)) throw new ConfigException(source + ": missing field '" + name + "'");
                return fallback;
            }
            if (!v.isNumber()) throw bad(name, "a number", v);
            return v.asDouble();
        }

        int positiveInt(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) throw new ConfigException(source + ": missing field '" + name + "'");
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) throw bad(name, "a positive integer", v);
            return v.asInt();
        }

        Integer optionalInt(String name) {
            JsonNode v = node.get(name);
            if (v == null || v.isNull()) return null;
            if (!v.isIntegralNumber() || !v.canConvertToInt()) throw bad(name, "an integer", v);
            return v.asInt();
        }

        List<Integer> intList(String name) {
            JsonNode v = node.get(name);
            List<Integer> out = new ArrayList<>();
            if (v == null || v.isNull()) return out;
            if (v.isArray()) {
                for (JsonNode e : v) {
                    // canConvertToInt: asInt() would wrap 2^32 + 2 round to 2
                    if (!e.isIntegralNumber() || !e.canConvertToInt()) throw bad(name, "an integer or a list of integers", v);
                    out.add(e.asInt());
                }
            } else if (v.isIntegralNumber() && v.canConvertToInt()) {
                out.add(v.asInt());
            } else {
                throw bad(name, "an integer or a list of integers", v);
            }
            return out;
        }

        private ConfigException bad(String name, String expected, JsonNode got) {
            return new ConfigException(source + ": field '" + name + "' must be " + expected + ", got " + got);
        }
    }

    /** @return all fields by Hugging Face name, for display */
    public Map<String, Object> summary() {
        return JSON.convertValue(toJson(), Map.class);
    }
}

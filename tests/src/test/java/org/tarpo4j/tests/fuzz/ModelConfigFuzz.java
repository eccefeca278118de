package org.tarpo4j.tests.fuzz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tarpo4j.models.config.ConfigException;
import org.tarpo4j.models.config.ModelConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Malformed {@code config.json} files: a valid Qwen2 or Llama config with one field missing, negative, zero, of the
 * wrong type or out of range, heads that do not divide, an unknown rope scaling, or a broken document.
 */
final class ModelConfigFuzz {
    static final String CATEGORY = "config.json";
    /** Fields without which there is no model. */
    private static final List<String> REQUIRED = List.of("model_type", "hidden_size", "num_hidden_layers",
            "num_attention_heads", "intermediate_size", "vocab_size");
    /** Integer fields that must be positive when present. */
    private static final List<String> POSITIVE = List.of("hidden_size", "num_hidden_layers", "num_attention_heads",
            "num_key_value_heads", "intermediate_size", "vocab_size", "max_position_embeddings", "head_dim");
    private static final List<String> TOKEN_IDS = List.of("bos_token_id", "eos_token_id", "pad_token_id");

    @FunctionalInterface
    private interface Mutation {
        /** Breaks {@code c}; returns the label and the field the error must name. */
        String[] apply(SplittableRandom rnd, ObjectNode c);
    }

    private static final List<Mutation> MUTATIONS = List.of(
            ModelConfigFuzz::missingField, ModelConfigFuzz::notPositive, ModelConfigFuzz::wrongType,
            ModelConfigFuzz::headsDoNotDivideHidden, ModelConfigFuzz::kvHeadsDoNotDivideHeads, ModelConfigFuzz::oddHeadDim,
            ModelConfigFuzz::unknownRopeScaling, ModelConfigFuzz::badRopeScaling, ModelConfigFuzz::badNorms,
            ModelConfigFuzz::tokenIdOutsideVocabulary, ModelConfigFuzz::unsupportedArchitecture);

    private ModelConfigFuzz() {}

    /** The read of an unbroken config, which must succeed (guards the generator). */
    static FuzzCase.Load unbroken(SplittableRandom rnd, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, valid(rnd).toString());
        return () -> ModelConfig.read(file);
    }

    static List<FuzzCase> cases(SplittableRandom rnd, Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path file = dir.resolve(String.format("config-%04d.json", i));
            // every 12th case is a broken document rather than a broken field
            out.add(i % 12 == 11 ? brokenDocument(rnd, file) : brokenField(rnd, file, MUTATIONS.get(i % MUTATIONS.size())));
        }
        return out;
    }

    /** A valid config of a random small shape. */
    static ObjectNode valid(SplittableRandom rnd) {
        boolean qwen = rnd.nextBoolean();
        int kv = rnd.nextInt(1, 4), heads = kv * rnd.nextInt(1, 4), headDim = 2 * rnd.nextInt(1, 9);
        ObjectNode c = TensorFileSpec.JSON.createObjectNode();
        c.put("model_type", qwen ? "qwen2" : "llama");
        c.put("hidden_size", heads * headDim);
        c.put("num_hidden_layers", rnd.nextInt(1, 5));
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kv);
        c.put("intermediate_size", rnd.nextInt(4, 100));
        c.put("vocab_size", rnd.nextInt(16, 5000));
        c.put("max_position_embeddings", rnd.nextInt(16, 4096));
        c.put("rms_norm_eps", 1e-6);
        c.put("rope_theta", 10000.0);
        c.put("hidden_act", "silu");
        c.put("tie_word_embeddings", rnd.nextBoolean());
        c.put("bos_token_id", 1);
        c.put("eos_token_id", 2);
        c.put("torch_dtype", "bfloat16");
        if (!qwen && rnd.nextBoolean()) {
            c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0)
                    .put("high_freq_factor", 4.0).put("original_max_position_embeddings", 8192);
        }
        return c;
    }

    private static FuzzCase brokenField(SplittableRandom rnd, Path file, Mutation m) throws IOException {
        ObjectNode c = valid(rnd);
        String[] labelAndField = m.apply(rnd, c);
        Files.writeString(file, c.toString());
        return reading(file, labelAndField[0]).naming(labelAndField[1]);
    }

    private static FuzzCase reading(Path file, String label) {
        return FuzzCase.of(CATEGORY, label, ConfigException.class, () -> ModelConfig.read(file))
                .naming(file.getFileName().toString());
    }

    private static <T> T pick(SplittableRandom rnd, List<T> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    private static String[] missingField(SplittableRandom rnd, ObjectNode c) {
        String f = pick(rnd, REQUIRED);
        if (rnd.nextBoolean()) c.remove(f);
        else c.putNull(f);
        return new String[]{"missing " + f, f};
    }

    private static String[] notPositive(SplittableRandom rnd, ObjectNode c) {
        String f = pick(rnd, POSITIVE);
        int v = rnd.nextBoolean() ? 0 : -rnd.nextInt(1, Integer.MAX_VALUE);
        c.put(f, v);
        return new String[]{f + " = " + v, f};
    }

    private static String[] wrongType(SplittableRandom rnd, ObjectNode c) {
        String f = pick(rnd, POSITIVE);
        switch (rnd.nextInt(6)) {
            case 0 -> c.put(f, String.valueOf(c.path(f).asInt(8)));
            case 1 -> c.put(f, c.path(f).asInt(8) + 0.5);
            case 2 -> c.put(f, true);
            case 3 -> c.putArray(f).add(8);
            case 4 -> c.put(f, 1L << rnd.nextInt(31, 63));
            default -> c.putObject(f).put("value", 8);
        }
        return new String[]{f + " = " + c.get(f), f};
    }

    private static String[] headsDoNotDivideHidden(SplittableRandom rnd, ObjectNode c) {
        int heads = rnd.nextInt(2, 9);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", 1);
        c.put("hidden_size", heads * rnd.nextInt(1, 20) + rnd.nextInt(1, heads));
        c.remove("head_dim");
        return new String[]{"hidden_size " + c.get("hidden_size") + " with " + heads + " heads", "num_attention_heads"};
    }

    private static String[] kvHeadsDoNotDivideHeads(SplittableRandom rnd, ObjectNode c) {
        int kv = rnd.nextInt(2, 6), heads = kv * rnd.nextInt(1, 4) + rnd.nextInt(1, kv);
        c.put("num_attention_heads", heads);
        c.put("num_key_value_heads", kv);
        c.put("head_dim", 8);
        return new String[]{heads + " heads over " + kv + " kv heads", "num_key_value_heads"};
    }

    private static String[] oddHeadDim(SplittableRandom rnd, ObjectNode c) {
        c.put("head_dim", 2 * rnd.nextInt(0, 64) + 1);
        return new String[]{"head_dim " + c.get("head_dim"), "head_dim"};
    }

    private static String[] unknownRopeScaling(SplittableRandom rnd, ObjectNode c) {
        String[] types = {"yarn", "dynamic", "longrope", "ntk", "LINEAR", "", "llama4"};
        String type = types[rnd.nextInt(types.length)];
        c.putObject("rope_scaling").put(rnd.nextBoolean() ? "rope_type" : "type", type).put("factor", 4.0);
        return new String[]{"rope_scaling type '" + type + "'", "rope_scaling"};
    }

    private static String[] badRopeScaling(SplittableRandom rnd, ObjectNode c) {
        switch (rnd.nextInt(6)) {
            case 0 -> c.putObject("rope_scaling").put("rope_type", "linear");
            case 1 -> c.putObject("rope_scaling").put("rope_type", "linear").put("factor", -rnd.nextDouble());
            case 2 -> c.putObject("rope_scaling").put("factor", 2.0);
            case 3 -> c.put("rope_scaling", "linear");
            case 4 -> c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 4.0)
                    .put("high_freq_factor", 1.0).put("original_max_position_embeddings", 8192);
            default -> c.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0)
                    .put("high_freq_factor", 4.0);
        }
        return new String[]{"rope_scaling " + c.get("rope_scaling"), "rope_scaling"};
    }

    private static String[] badNorms(SplittableRandom rnd, ObjectNode c) {
        String f = rnd.nextBoolean() ? "rms_norm_eps" : "rope_theta";
        switch (rnd.nextInt(3)) {
            case 0 -> c.put(f, 0.0);
            case 1 -> c.put(f, -rnd.nextDouble());
            default -> c.put(f, "1e-6");
        }
        return new String[]{f + " = " + c.get(f), f};
    }

    private static String[] tokenIdOutsideVocabulary(SplittableRandom rnd, ObjectNode c) {
        String f = pick(rnd, TOKEN_IDS);
        int vocab = c.get("vocab_size").asInt();
        switch (rnd.nextInt(5)) {
            case 0 -> c.put(f, vocab + rnd.nextInt(0, 1000));
            case 1 -> c.put(f, -rnd.nextInt(1, 1000));
            case 2 -> c.put(f, (1L << 32) + 2); // wraps to 2 if read as an int
            case 3 -> c.put(f, "2");
            default -> c.putArray(f).add(2).add(vocab);
        }
        return new String[]{f + " = " + c.get(f) + " with vocab " + vocab, f};
    }

    private static String[] unsupportedArchitecture(SplittableRandom rnd, ObjectNode c) {
        switch (rnd.nextInt(4)) {
            case 0 -> {
                String[] types = {"mamba", "gpt2", "Qwen2", "", "llama " };
                c.put("model_type", types[rnd.nextInt(types.length)]);
                return new String[]{"model_type " + c.get("model_type"), "model_type"};
            }
            case 1 -> {
                c.put("hidden_act", rnd.nextBoolean() ? "gelu" : "relu");
                return new String[]{"hidden_act " + c.get("hidden_act"), "hidden_act"};
            }
            case 2 -> {
                c.put("use_sliding_window", true);
                return new String[]{"sliding window", "use_sliding_window"};
            }
            default -> {
                c.put("tie_word_embeddings", "yes");
                return new String[]{"tie_word_embeddings \"yes\"", "tie_word_embeddings"};
            }
        }
    }

    private static FuzzCase brokenDocument(SplittableRandom rnd, Path file) throws IOException {
        String text = valid(rnd).toString();
        String label;
        switch (rnd.nextInt(5)) {
            case 4 -> {
                text = "{\"rope_scaling\": " + TensorFileSpec.nested(5000, "") + "}";
                label = "config.json nested 5000 deep";
            }
            case 0 -> {
                text = text.substring(0, rnd.nextInt(1, text.length() - 1));
                label = "config.json cut short";
            }
            case 1 -> {
                text = "[" + text + "]";
                label = "config.json is an array";
            }
            case 2 -> {
                text = "";
                label = "config.json empty";
            }
            default -> {
                text = text + " {}";
                label = "config.json with trailing content";
            }
        }
        Files.writeString(file, text);
        return reading(file, label);
    }
}

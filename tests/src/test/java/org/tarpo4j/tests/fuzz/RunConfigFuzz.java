package org.tarpo4j.tests.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.tarpo4j.rl.train.TarpoConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Malformed run configs ({@code train --config}): a valid JSON or YAML config with an unknown key, a value out of range
 * or of the wrong type, a null, a key given twice, or a broken document; as often through command-line overrides as
 * in the file. The error must name the file (or the command line) and the key.
 */
final class RunConfigFuzz {
    static final String CATEGORY = "run config";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Values out of range for each key (snake_case, as in TRL's configs), as they would be written on a command line. */
    private static final Map<String, List<String>> OUT_OF_RANGE = outOfRange();
    /** Keys whose null is not allowed. */
    private static final Set<String> NOT_NULLABLE = Set.of("num_generations", "prompts_per_step", "max_steps", "beta", "epsilon",
            "num_iterations", "loss_type", "scale_rewards", "temperature", "top_k", "top_p", "max_completion_length", "learning_rate",
            "lr_scheduler_type", "warmup_ratio", "mode", "action_bias", "soft_top_k", "answer_marker", "reference_context", "use_lora",
            "lora_rank", "lora_targets", "reward_weights", "data_format", "output_dir", "seed", "adam_epsilon");
    private static final List<String> ENUMS = List.of("mode", "loss_type", "scale_rewards", "lr_scheduler_type",
            "reference_context", "data_format");

    private RunConfigFuzz() {}

    /** The read of an unbroken config with overrides, which must succeed (guards the generator). */
    static FuzzCase.Load unbroken(SplittableRandom rnd, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        write(file, valid(rnd));
        return () -> TarpoConfig.read(file, Map.of("beta", "0.01", "lora-rank", "4"));
    }

    private static Map<String, List<String>> outOfRange() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("num_generations", List.of("0", "1", "-3"));
        m.put("prompts_per_step", List.of("0", "-1"));
        m.put("max_steps", List.of("0", "-5"));
        m.put("num_iterations", List.of("0"));
        m.put("max_completion_length", List.of("0", "-1"));
        m.put("soft_top_k", List.of("0", "-2"));
        m.put("save_steps", List.of("-1"));
        m.put("log_completions_steps", List.of("-1"));
        m.put("beta", List.of("-0.1", "Infinity", "NaN"));
        m.put("epsilon", List.of("-0.1", "1.5"));
        m.put("epsilon_high", List.of("-1", "11"));
        m.put("temperature", List.of("0", "-1", "101", "NaN"));
        m.put("top_p", List.of("0", "1.5"));
        m.put("top_k", List.of("-1"));
        m.put("learning_rate", List.of("-1e-5", "2", "NaN"));
        m.put("action_learning_rate", List.of("-1", "2"));
        m.put("warmup_ratio", List.of("-0.1", "1.5"));
        m.put("weight_decay", List.of("-1", "11"));
        m.put("adam_beta1", List.of("-0.1", "1.0"));
        m.put("adam_beta2", List.of("1.0", "-1"));
        m.put("adam_epsilon", List.of("0", "-1e-8", "NaN"));
        m.put("max_grad_norm", List.of("-1", "NaN"));
        m.put("action_loss_weight", List.of("-1"));
        m.put("action_temperature", List.of("0"));
        m.put("action_bias", List.of("NaN", "Infinity", "-Infinity"));
        m.put("initial_hard_probability", List.of("0", "1", "1.5"));
        m.put("lora_rank", List.of("0", "-4"));
        m.put("lora_targets", List.of("[]", "[\"nope_proj\"]"));
        m.put("banned_token_ids", List.of("[-1]", "[3, -7]"));
        m.put("reward_weights", List.of("{}", "{\"gsm8k\": \"heavy\"}", "{\"gsm8k\": null}"));
        return m;
    }

    /** The config's keys, snake_case, as the config lists them. */
    static Set<String> keys() {
        Set<String> keys = new TreeSet<>();
        for (TarpoConfig.Key k : TarpoConfig.keys()) keys.add(k.name());
        return keys;
    }

    static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char ch : snake.toCharArray()) {
            if (ch == '_' || ch == '-') up = true;
            else {
                b.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return b.toString();
    }

    /** A valid config, with LoRA on so that its keys are checked too. */
    static ObjectNode valid(SplittableRandom rnd) {
        ObjectNode c = TensorFileSpec.JSON.createObjectNode();
        c.put("model_path", "/models/tiny").put("train_data", "data/train.jsonl").put("output_dir", "runs/fuzz");
        c.put("num_generations", rnd.nextInt(2, 9)).put("max_steps", rnd.nextInt(1, 500)).put("use_lora", true);
        c.put("learning_rate", 1e-5 * rnd.nextInt(1, 10)).put("mode", List.of("tarpo", "grpo", "hrpo").get(rnd.nextInt(3)));
        return c;
    }

    static List<FuzzCase> cases(SplittableRandom rnd, Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        List<String> keys = new ArrayList<>(keys());
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean yaml = rnd.nextBoolean();
            Path file = dir.resolve(String.format("run-%04d.%s", i, yaml ? "yaml" : "json"));
            out.add(switch (i % 9) {
                case 0 -> unknownKey(rnd, file, keys);
                case 1, 2 -> outOfRangeValue(rnd, file);
                case 3 -> wrongType(rnd, file, keys);
                case 4 -> nullValue(rnd, file, keys);
                case 5 -> notAnInteger(rnd, file);
                case 6 -> unknownChoice(rnd, file);
                case 7 -> givenTwice(rnd, file);
                default -> brokenDocument(rnd, file);
            });
        }
        return out;
    }

    private static void write(Path file, ObjectNode config) throws IOException {
        boolean yaml = file.toString().endsWith(".yaml");
        Files.writeString(file, yaml ? YAML.writeValueAsString(config) : config.toString());
    }

    /** Writes {@code config}, then puts {@code key = value} in the file or, half the time, on the command line. */
    private static FuzzCase reading(SplittableRandom rnd, Path file, ObjectNode config, String key, String value, String label)
            throws IOException {
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean onTheCommandLine = rnd.nextBoolean();
        if (onTheCommandLine) overrides.put(rnd.nextBoolean() ? key : key.replace('_', '-'), value);
        else config.set(key, TensorFileSpec.JSON.readTree(value));
        write(file, config);
        return reading(file, overrides, label + (onTheCommandLine ? " (command line)" : ""))
                .naming(key, key.replace('_', '-'));
    }

    private static FuzzCase reading(Path file, Map<String, String> overrides, String label) {
        return FuzzCase.of(CATEGORY, label, IllegalArgumentException.class, () -> TarpoConfig.read(file, overrides))
                .naming(file.getFileName().toString());
    }

    private static FuzzCase unknownKey(SplittableRandom rnd, Path file, List<String> keys) throws IOException {
        Set<String> known = Set.copyOf(keys);
        String typo;
        do {
            StringBuilder b = new StringBuilder(keys.get(rnd.nextInt(keys.size())));
            int at = rnd.nextInt(b.length());
            switch (rnd.nextInt(3)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, (char) rnd.nextInt('a', 'z' + 1));
                default -> b.setCharAt(at, (char) rnd.nextInt('a', 'z' + 1));
            }
            typo = b.toString();
        } while (typo.isEmpty() || known.contains(typo.replace('-', '_')) || !Character.isLetter(typo.charAt(0)));
        return reading(rnd, file, valid(rnd), typo, "1", "unknown key " + typo);
    }

    private static FuzzCase outOfRangeValue(SplittableRandom rnd, Path file) throws IOException {
        List<String> keys = new ArrayList<>(OUT_OF_RANGE.keySet());
        String key = keys.get(rnd.nextInt(keys.size()));
        List<String> values = OUT_OF_RANGE.get(key);
        String value = values.get(rnd.nextInt(values.size()));
        ObjectNode c = valid(rnd);
        boolean nonNumber = value.equals("NaN") || value.contains("Infinity");
        if (nonNumber) value = "\"" + value + "\""; // JSON has no NaN; Jackson reads the string as the double
        return reading(rnd, file, c, key, value, key + " = " + value);
    }

    private static FuzzCase wrongType(SplittableRandom rnd, Path file, List<String> keys) throws IOException {
        String key = keys.get(rnd.nextInt(keys.size()));
        String[] values = {"\"abc\"", "[1, 2]", "{\"a\": 1}", "true", "\"\""};
        String value = values[rnd.nextInt(values.length)];
        // a string is a valid value of a string key, and true of a boolean one: pick a value of the wrong kind
        if (stringKey(key) && (value.startsWith("\"") || value.equals("true"))) value = "[1, 2]";
        if (booleanKey(key) && value.equals("true")) value = "\"abc\"";
        if (key.equals("reward_weights") && value.startsWith("{")) value = "\"abc\"";
        if (listKey(key) && value.startsWith("[")) value = "{\"a\": 1}";
        return reading(rnd, file, valid(rnd), key, value, key + " = " + value);
    }

    private static boolean stringKey(String k) {
        return Set.of("model_path", "train_data", "data_format", "output_dir", "loss_type", "scale_rewards", "lr_scheduler_type", "mode",
                "answer_marker", "reference_context").contains(k);
    }

    private static boolean booleanKey(String k) {
        return Set.of("mask_truncated_completions", "soft_renormalise", "token_loss_on_soft_steps", "greedy_routing", "use_lora").contains(k);
    }

    private static boolean listKey(String k) {
        return Set.of("banned_token_ids", "lora_targets").contains(k);
    }

    private static FuzzCase nullValue(SplittableRandom rnd, Path file, List<String> keys) throws IOException {
        List<String> candidates = keys.stream().filter(NOT_NULLABLE::contains).toList();
        String key = candidates.get(rnd.nextInt(candidates.size()));
        return reading(rnd, file, valid(rnd), key, "null", key + " = null");
    }

    private static FuzzCase notAnInteger(SplittableRandom rnd, Path file) throws IOException {
        String[] ints = {"num_generations", "prompts_per_step", "max_steps", "max_completion_length", "lora_rank", "top_k",
                "save_steps", "soft_top_k", "num_iterations"};
        String key = ints[rnd.nextInt(ints.length)];
        String value = rnd.nextBoolean() ? (rnd.nextInt(2, 9) + ".5") : String.valueOf(1L << rnd.nextInt(31, 62));
        return reading(rnd, file, valid(rnd), key, value, key + " = " + value);
    }

    private static FuzzCase unknownChoice(SplittableRandom rnd, Path file) throws IOException {
        String key = ENUMS.get(rnd.nextInt(ENUMS.size()));
        String[] values = {"\"nope\"", "\"TARPO2\"", "\"\"", "\"cosine_restarts\"", "\"csv\"", "\"hardest\""};
        return reading(rnd, file, valid(rnd), key, values[rnd.nextInt(values.length)], key + " unknown choice");
    }

    /** Two different valid values per key, for keys given twice. */
    private static final Map<String, List<String>> TWO_VALID_VALUES = Map.of(
            "num_generations", List.of("4", "8"), "max_steps", List.of("10", "20"), "beta", List.of("0.01", "0.02"),
            "mode", List.of("\"grpo\"", "\"tarpo\""), "learning_rate", List.of("0.0001", "0.0002"),
            "temperature", List.of("0.7", "0.9"), "seed", List.of("3", "4"), "use_lora", List.of("true", "false"),
            "output_dir", List.of("\"runs/a\"", "\"runs/b\""), "model_path", List.of("\"/models/a\"", "\"/models/b\""));

    private static FuzzCase givenTwice(SplittableRandom rnd, Path file) throws IOException {
        List<String> twice = new ArrayList<>(new TreeSet<>(TWO_VALID_VALUES.keySet()));
        String key = twice.get(rnd.nextInt(twice.size()));
        List<String> values = TWO_VALID_VALUES.get(key);
        ObjectNode c = valid(rnd);
        c.remove(key);
        // the same spelling twice, or snake_case and camelCase (one-word keys have only one spelling; camelCase is unknown)
        String second = rnd.nextBoolean() ? key : camel(key);
        String text;
        if (file.toString().endsWith(".yaml")) {
            text = YAML.writeValueAsString(c) + key + ": " + values.get(0) + "\n" + second + ": " + values.get(1) + "\n";
        } else {
            String body = c.toString();
            text = body.substring(0, body.length() - 1) + ",\"" + key + "\":" + values.get(0) + ",\"" + second + "\":"
                    + values.get(1) + "}";
        }
        Files.writeString(file, text);
        return reading(file, Map.of(), key + " given twice (as " + key + " and " + second + ")").naming(key, camel(key));
    }

    private static FuzzCase brokenDocument(SplittableRandom rnd, Path file) throws IOException {
        boolean yaml = file.toString().endsWith(".yaml");
        String text = yaml ? YAML.writeValueAsString(valid(rnd)) : valid(rnd).toString();
        String[] docs = yaml
                ? new String[]{"", "- model_path: x\n- mode: tarpo\n", "model_path: [unclosed\n", "\tmode: tarpo\n", "42\n"}
                : new String[]{"", "[" + text + "]", text.substring(0, rnd.nextInt(1, text.length() - 1)), "42", text + " {}",
                        "{\"lora_targets\": " + TensorFileSpec.nested(5000, "") + "}"};
        Files.writeString(file, docs[rnd.nextInt(docs.length)]);
        return reading(file, Map.of(), "broken " + (yaml ? "YAML" : "JSON") + " document");
    }
}

package org.tarpo4j.models.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.hub.ModelReference;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.models.io.SafeTensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * LoRA adapters in PEFT's format, so that {@code PeftModel.from_pretrained(base, dir)} loads what we train and we load
 * what PEFT trains. As PEFT's {@code get_peft_model_state_dict} saves them: {@code adapter_model.safetensors} holds
 * {@code base_model.model.<module>.lora_A.weight} {@code [r, in]} and {@code .lora_B.weight} {@code [out, r]} (the
 * adapter name removed), e.g. {@code base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight}; and
 * {@code adapter_config.json} holds the fields of PEFT's {@code LoraConfig} (with its parents' {@code peft_type},
 * {@code task_type}, {@code base_model_name_or_path}, {@code revision}, {@code inference_mode}). Our adapters are
 * plain LoRA: scale {@code lora_alpha / r} ({@code use_rslora} false), no DoRA, no bias, weights {@code [out, in]}
 * ({@code fan_in_fan_out} false); a config that asks for anything else is refused when read.
 */
public final class LoraAdapters {
    public static final String WEIGHTS = "adapter_model.safetensors";
    public static final String CONFIG = "adapter_config.json";
    private static final String PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LoraAdapters() {}

    public static boolean isAdapterParameter(String name) {
        return name.contains(".lora_A.") || name.contains(".lora_B.");
    }

    /** {@link #save(Path, Parameters, LoraConfig, String, SafeTensorsDType) save(..., F32)}. */
    public static void save(Path dir, Parameters parameters, LoraConfig lora, String baseModel) throws IOException {
        save(dir, parameters, lora, baseModel, SafeTensorsDType.F32);
    }

    /**
     * Writes the adapter tensors of {@code parameters} and their config into {@code dir}.
     *
     * @param baseModel the reference the base model was loaded by (a directory or {@code namespace/name[@revision]}),
     *                  recorded as {@code base_model_name_or_path} (and {@code revision}); null if unknown
     */
    public static void save(Path dir, Parameters parameters, LoraConfig lora, String baseModel, SafeTensorsDType dtype)
            throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        parameters.asMap().forEach((k, v) -> { if (isAdapterParameter(k)) tensors.put(PREFIX + k, v); });
        SafeTensorsWriter.write(dir.resolve(WEIGHTS), tensors, dtype, Map.of("format", "pt"));
        Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(configJson(lora, baseModel)));
    }

    /** The {@code adapter_config.json} of {@code lora}, keys sorted as PEFT's {@code save_pretrained} writes them. */
    public static ObjectNode configJson(LoraConfig lora, String baseModel) {
        String base = null, revision = null;
        if (baseModel != null && !baseModel.isBlank()) {
            try {
                ModelReference ref = ModelReference.parse(baseModel);
                if (ref instanceof ModelReference.HubRepository hub) {
                    base = hub.repoId();
                    revision = hub.revision();
                } else {
                    base = ((ModelReference.LocalDirectory) ref).path().toAbsolutePath().normalize().toString();
                }
            } catch (IllegalArgumentException notAReference) {
                base = baseModel; // recorded as given: it is only informative
            }
        }
        ObjectNode c = JSON.createObjectNode();
        c.putObject("alpha_pattern");
        c.put("base_model_name_or_path", base);
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true); // as PeftModel.save_pretrained records it
        c.put("init_lora_weights", true);
        c.putNull("layers_pattern");
        c.putNull("layers_to_transform");
        double alpha = lora.alpha();
        if (alpha == Math.rint(alpha) && Math.abs(alpha) < 1e9) c.put("lora_alpha", (long) alpha); // PEFT's is an int
        else c.put("lora_alpha", alpha);
        c.put("lora_dropout", 0.0);
        c.putNull("modules_to_save");
        c.put("peft_type", "LORA");
        c.put("r", lora.rank());
        c.putObject("rank_pattern");
        c.put("revision", revision);
        c.putPOJO("target_modules", new TreeSet<>(lora.targets()));
        c.put("task_type", "CAUSAL_LM");
        c.put("use_dora", false);
        c.put("use_rslora", false);
        return c;
    }

    /**
     * Reads {@code adapter_config.json}, refusing what our LoRA layers cannot reproduce (another PEFT method, rsLoRA,
     * DoRA, biases, per-module ranks, extra trained modules, a regex for the targets, projections we do not have).
     */
    public static LoraConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) throw new CheckpointFormatException(file + ": no such file (not a PEFT adapter directory)");
        JsonNode node;
        try {
            node = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CheckpointFormatException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isObject()) throw new CheckpointFormatException(file + ": expected a JSON object");
        if (!"LORA".equals(node.path("peft_type").asText())) {
            throw new CheckpointFormatException(file + ": peft_type is '" + node.path("peft_type").asText() + "', not LORA");
        }
        refuseIf(file, node.path("use_rslora").asBoolean(false), "use_rslora is true (scale alpha/sqrt(r))");
        refuseIf(file, node.path("use_dora").asBoolean(false), "use_dora is true (DoRA)");
        refuseIf(file, node.path("fan_in_fan_out").asBoolean(false), "fan_in_fan_out is true (weights stored [in, out])");
        refuseIf(file, !"none".equals(node.path("bias").asText("none")), "bias is '" + node.path("bias").asText() + "', not none");
        refuseIf(file, nonEmpty(node.get("modules_to_save")), "modules_to_save is set (fully trained extra modules)");
        refuseIf(file, nonEmpty(node.get("rank_pattern")) || nonEmpty(node.get("alpha_pattern")),
                "rank_pattern/alpha_pattern give some modules their own rank or alpha");
        refuseIf(file, nonEmpty(node.get("layers_to_transform")), "layers_to_transform limits the adapters to some layers");
        JsonNode r = node.get("r"), alpha = node.get("lora_alpha"), targets = node.get("target_modules");
        if (r == null || !r.canConvertToInt() || !r.isIntegralNumber() || r.asInt() <= 0) {
            throw new CheckpointFormatException(file + ": field 'r' must be a positive integer, got " + r);
        }
        if (alpha == null || !alpha.isNumber()) throw new CheckpointFormatException(file + ": field 'lora_alpha' must be a number, got " + alpha);
        if (targets == null || !targets.isArray() || targets.isEmpty()) {
            throw new CheckpointFormatException(file + ": field 'target_modules' must be a non-empty list of projection names, got "
                    + targets + " (a regular expression is not supported)");
        }
        Set<String> names = new LinkedHashSet<>();
        targets.forEach(t -> names.add(t.asText()));
        try {
            return new LoraConfig(r.asInt(), alpha.asDouble(), names);
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file + ": " + e.getMessage(), e);
        }
    }

    private static void refuseIf(Path file, boolean condition, String what) throws CheckpointFormatException {
        if (condition) throw new CheckpointFormatException(file + ": " + what + "; tarpo4j loads plain LoRA adapters only");
    }

    private static boolean nonEmpty(JsonNode n) {
        return n != null && !n.isNull() && !(n.isContainerNode() && n.isEmpty());
    }

    /**
     * Puts the adapter tensors into {@code parameters} (before a graph with LoRA is built, or over its arrays). All are
     * read and checked first (adapter names, finite values, the shapes of adapters the parameters already hold): on
     * any error no parameter has changed.
     */
    public static void load(Path dir, Parameters parameters) throws IOException {
        Path file = dir.resolve(WEIGHTS);
        Map<String, INDArray> read;
        try (SafeTensorsFile f = SafeTensorsFile.open(file)) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (String name : f.names()) {
                if (!name.startsWith(PREFIX) || !isAdapterParameter(name)) {
                    throw new CheckpointFormatException(file + ": tensor '" + name + "' is not a LoRA adapter weight");
                }
                String local = name.substring(PREFIX.length());
                shapes.put(name, parameters.contains(local) ? parameters.get(local).shape() : f.info(name).shape());
            }
            read = Checkpoint.loadExactly(f, shapes, true);
        }
        read.forEach((name, value) -> {
            String local = name.substring(PREFIX.length());
            if (parameters.contains(local)) parameters.get(local).assign(value);
            else parameters.put(local, value);
        });
    }
}

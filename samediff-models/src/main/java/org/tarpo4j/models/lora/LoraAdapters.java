package org.tarpo4j.models.lora;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.io.Checkpoint;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsFile;
import org.tarpo4j.models.io.SafeTensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LoRA adapters in PEFT's format: {@code adapter_model.safetensors} with tensors named
 * {@code base_model.model.<module>.lora_A.weight} and {@code adapter_config.json}, so PEFT can load what we train.
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

    public static void save(Path dir, Parameters parameters, LoraConfig lora, String baseModel) throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        parameters.asMap().forEach((k, v) -> { if (isAdapterParameter(k)) tensors.put(PREFIX + k, v); });
        SafeTensorsWriter.write(dir.resolve(WEIGHTS), tensors, SafeTensorsDType.F32, Map.of("format", "pt"));
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", "CAUSAL_LM");
        c.put("r", lora.rank());
        c.put("lora_alpha", lora.alpha());
        c.put("lora_dropout", 0.0);
        c.put("bias", "none");
        c.putPOJO("target_modules", List.copyOf(lora.targets()));
        c.put("base_model_name_or_path", baseModel);
        Files.writeString(dir.resolve(CONFIG), JSON.writeValueAsString(c));
    }

    /** Reads {@code adapter_config.json}. */
    public static LoraConfig readConfig(Path dir) throws IOException {
        Path file = dir.resolve(CONFIG);
        var node = JSON.readTree(file.toFile());
        if (!"LORA".equals(node.path("peft_type").asText())) throw new CheckpointFormatException(file + ": peft_type is not LORA");
        Set<String> targets = new HashSet<>();
        node.path("target_modules").forEach(t -> targets.add(t.asText()));
        return new LoraConfig(node.path("r").asInt(), node.path("lora_alpha").asDouble(), targets);
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

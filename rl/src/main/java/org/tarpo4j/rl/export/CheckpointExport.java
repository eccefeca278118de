package org.tarpo4j.rl.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.layers.core.Parameters;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.decoder.WeightLayout;
import org.tarpo4j.models.export.HfModelExport;
import org.tarpo4j.models.export.LoraMerge;
import org.tarpo4j.models.hub.ModelFiles;
import org.tarpo4j.models.hub.ModelResolver;
import org.tarpo4j.models.io.AtomicDirectory;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.latent.LatentHeads;
import org.tarpo4j.models.lora.LoraAdapters;
import org.tarpo4j.rl.train.CheckpointManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Turns a trainer checkpoint ({@code RUN/checkpoint-N}) into what the rest of a Hugging Face stack loads:
 * <ul>
 *   <li>an adapter (LoRA checkpoints): a PEFT adapter directory ({@code adapter_config.json},
 *       {@code adapter_model.safetensors}) for {@code PeftModel.from_pretrained(base, dir)}, plus the latent heads;</li>
 *   <li>a merged model ({@code merge}): a complete model directory with the adapters folded into the base weights
 *       (LoRA) or the fine-tuned weights (full fine-tuning), for {@code AutoModelForCausalLM.from_pretrained(dir)} or
 *       vLLM, plus the latent heads.</li>
 * </ul>
 * The output directory appears whole or not at all ({@link AtomicDirectory}); every refusal names the path and says
 * what to pass instead.
 */
public final class CheckpointExport {
    /** What was written. */
    public enum Format { ADAPTER, MERGED }

    /**
     * @param baseModel the base model reference (LoRA), or the checkpoint itself (full fine-tuning)
     * @param files     the files of {@code out}, sorted
     * @param bytes     their total size
     */
    public record Result(Path out, Format format, SafeTensorsDType dtype, String baseModel, boolean hasLatentHeads,
                         Set<String> files, long bytes) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelResolver resolver;
    private final long maxShardBytes;

    public CheckpointExport(ModelResolver resolver, long maxShardBytes) {
        if (maxShardBytes <= 0) throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        this.resolver = resolver;
        this.maxShardBytes = maxShardBytes;
    }

    /**
     * @param dtype the dtype of the exported weights (F32, F16 or BF16); latent heads stay float32
     */
    public Result export(Path checkpoint, Path out, boolean merge, SafeTensorsDType dtype) throws IOException {
        checkCheckpoint(checkpoint);
        checkOut(checkpoint, out);
        HfModelExport.torchName(dtype); // refuses other dtypes before any work
        boolean lora = Files.isRegularFile(checkpoint.resolve(LoraAdapters.WEIGHTS));
        if (!lora && !Files.isRegularFile(checkpoint.resolve(ModelFiles.CONFIG))) {
            throw new IllegalArgumentException(checkpoint + ": neither a LoRA checkpoint (" + LoraAdapters.WEIGHTS
                    + ") nor a full fine-tuning one (config.json and weights)");
        }
        if (!merge && !lora) {
            throw new IllegalArgumentException(checkpoint + " is a full fine-tuning checkpoint: it has no LoRA adapter to export;"
                    + " add --merge to export the fine-tuned model");
        }
        if (!merge) return exportAdapter(checkpoint, out, dtype);
        return lora ? mergeAdapter(checkpoint, out, dtype) : exportFullModel(checkpoint, out, dtype);
    }

    private Result exportAdapter(Path checkpoint, Path out, SafeTensorsDType dtype) throws IOException {
        LoraConfig lora = LoraAdapters.readConfig(checkpoint);
        Parameters adapters = new Parameters(DataType.FLOAT, 0);
        LoraAdapters.load(checkpoint, adapters); // read and checked (names, finite values) before anything is written
        String base = baseModel(checkpoint);
        boolean heads = Files.isRegularFile(checkpoint.resolve(LatentHeads.FILE));
        AtomicDirectory.write(out, tmp -> {
            LoraAdapters.save(tmp, adapters, lora, base, dtype);
            if (heads) Files.copy(checkpoint.resolve(LatentHeads.FILE), tmp.resolve(LatentHeads.FILE));
            Files.writeString(tmp.resolve(HfModelExport.README), ExportReadme.adapter(checkpoint, base, lora, dtype, heads));
        });
        return result(out, Format.ADAPTER, dtype, base, heads);
    }

    private Result mergeAdapter(Path checkpoint, Path out, SafeTensorsDType dtype) throws IOException {
        LoraConfig lora = LoraAdapters.readConfig(checkpoint);
        String base = baseModel(checkpoint);
        if (base == null) {
            throw new IllegalArgumentException(checkpoint + ": neither " + LoraAdapters.CONFIG + " (base_model_name_or_path) nor "
                    + CheckpointManager.CONFIG + " (model_path) names the base model the adapters belong to");
        }
        Path baseDir;
        try {
            baseDir = resolver.resolve(base);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(checkpoint + ": the base model '" + base + "' the adapters belong to cannot be loaded: " + e.getMessage(), e);
        }
        try (CausalLm model = CausalLm.fromPretrained(baseDir)) {
            Parameters params = model.parameters();
            LoraAdapters.load(checkpoint, params);
            LatentHeads.load(checkpoint, model.config(), params);
            Map<String, INDArray> merged = LoraMerge.merge(params.asMap(), lora.scale());
            write(out, model, merged, baseDir, dtype, ExportReadme.merged(checkpoint, base, dtype, hasHeads(merged), true));
        }
        return result(out, Format.MERGED, dtype, base, Files.isRegularFile(out.resolve(LatentHeads.FILE)));
    }

    private Result exportFullModel(Path checkpoint, Path out, SafeTensorsDType dtype) throws IOException {
        try (CausalLm model = CausalLm.fromPretrained(checkpoint)) {
            Map<String, INDArray> params = model.parameters().asMap();
            write(out, model, params, checkpoint, dtype, ExportReadme.merged(checkpoint, baseModel(checkpoint), dtype, hasHeads(params), false));
        }
        return result(out, Format.MERGED, dtype, checkpoint.toString(), Files.isRegularFile(out.resolve(LatentHeads.FILE)));
    }

    private void write(Path out, CausalLm model, Map<String, INDArray> params, Path sourceDir, SafeTensorsDType dtype, String readme)
            throws IOException {
        Map<String, INDArray> backbone = new LinkedHashMap<>(), heads = new LinkedHashMap<>();
        Set<String> names = WeightLayout.expectedShapes(model.config()).keySet();
        params.forEach((name, value) -> {
            if (names.contains(name)) backbone.put(name, value);
            else if (LatentHeads.isHeadParameter(name)) heads.put(name, value);
        });
        AtomicDirectory.write(out, tmp -> HfModelExport.write(tmp, model.config(), backbone, heads, sourceDir, dtype, maxShardBytes, readme));
    }

    private static boolean hasHeads(Map<String, INDArray> params) {
        return params.keySet().stream().anyMatch(LatentHeads::isHeadParameter);
    }

    /**
     * The base model the adapters were trained on: the checkpoint's {@code adapter_config.json}
     * ({@code base_model_name_or_path}, {@code revision}; recorded when training started, so a relative directory was
     * made absolute), else the trainer config's {@code model_path}; null if neither says.
     */
    static String baseModel(Path checkpoint) throws IOException {
        Path adapterConfig = checkpoint.resolve(LoraAdapters.CONFIG);
        if (Files.isRegularFile(adapterConfig)) {
            JsonNode c = JSON.readTree(adapterConfig.toFile());
            String base = c == null ? "" : c.path("base_model_name_or_path").asText("");
            String revision = c == null ? "" : c.path("revision").asText("");
            if (!base.isBlank()) return revision.isBlank() ? base : base + "@" + revision;
        }
        Path trainerConfig = checkpoint.resolve(CheckpointManager.CONFIG);
        if (Files.isRegularFile(trainerConfig)) {
            JsonNode c = JSON.readTree(trainerConfig.toFile());
            for (String key : List.of("model_path", "modelPath")) {
                String v = c == null ? "" : c.path(key).asText("");
                if (!v.isBlank()) return v;
            }
        }
        return null;
    }

    private static void checkCheckpoint(Path checkpoint) throws IOException {
        if (!Files.isDirectory(checkpoint)) throw new IllegalArgumentException(checkpoint + ": no such checkpoint directory");
        if (Files.isRegularFile(checkpoint.resolve(CheckpointManager.STATE))) return;
        List<Integer> steps = CheckpointManager.steps(checkpoint);
        if (!steps.isEmpty()) {
            throw new IllegalArgumentException(checkpoint + " is a run directory; pass one of its checkpoints, e.g. "
                    + CheckpointManager.directory(checkpoint, steps.get(steps.size() - 1)) + " (the latest)");
        }
        throw new IllegalArgumentException(checkpoint + " is not a trainer checkpoint (no " + CheckpointManager.STATE
                + "); pass RUN/checkpoint-N as written by `tarpo train`");
    }

    private static void checkOut(Path checkpoint, Path out) throws IOException {
        Path o = out.toAbsolutePath().normalize(), c = checkpoint.toAbsolutePath().normalize();
        if (o.startsWith(c) || c.startsWith(o)) {
            throw new IllegalArgumentException("--out " + out + " must be outside the checkpoint " + checkpoint + " (and not contain it)");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
        if (Files.isDirectory(out)) {
            try (Stream<Path> s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IllegalArgumentException("--out " + out + " exists and is not empty; choose a new directory (nothing is overwritten)");
                }
            }
        }
    }

    private static Result result(Path out, Format format, SafeTensorsDType dtype, String base, boolean heads) throws IOException {
        Set<String> files = new TreeSet<>();
        long bytes = 0;
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.toList()) {
                files.add(p.getFileName().toString());
                bytes += Files.size(p);
            }
        }
        return new Result(out, format, dtype, base, heads, files, bytes);
    }
}

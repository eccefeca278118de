package org.tarpo4j.cli;

import org.tarpo4j.models.export.HfModelExport;
import org.tarpo4j.models.hub.ModelResolver;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.rl.export.CheckpointExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Exports a trainer checkpoint for the Hugging Face stack, into a new directory that appears whole or not at all.",
                "Without --merge (LoRA checkpoints): a PEFT adapter (adapter_config.json, adapter_model.safetensors) for "
                        + "PeftModel.from_pretrained on the base model. With --merge: a complete model directory (config, tokenizer, "
                        + "sharded safetensors with index, generation_config.json) for transformers or vLLM, LoRA merged into the "
                        + "base weights. Both add the TARPO router in latent_heads.safetensors and a README."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "a checkpoint of a training run: RUN/checkpoint-N")
    Path checkpoint;

    @Option(names = "--out", required = true, description = "the directory to create (must not exist, or be empty)")
    Path out;

    @Option(names = "--merge", description = "export a complete model: LoRA merged into the base (which is loaded from its "
            + "directory or the Hugging Face cache), or the fully fine-tuned weights")
    boolean merge;

    @Option(names = "--dtype", defaultValue = "f32", description = "bf16, f16 or f32 for the exported weights; the router stays f32 "
            + "(default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--max-shard-size", defaultValue = "5GB", description = "with --merge: the most bytes of weights per shard, "
            + "e.g. 2GB, 500MB (default: ${DEFAULT-VALUE}, as transformers)")
    String maxShardSize;

    @Option(names = "--json", description = "print the result as one JSON line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SafeTensorsDType type = SafeTensorsDType.ofModelWeights("--dtype", dtype);
        CheckpointExport.Result r = new CheckpointExport(ModelResolver.fromEnvironment(), CliSupport.parseBytes("--max-shard-size", maxShardSize))
                .export(checkpoint, out, merge, type);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("out", r.out().toString());
            o.put("format", r.format().name().toLowerCase(Locale.ROOT));
            o.put("dtype", HfModelExport.torchName(r.dtype()));
            o.put("base_model", r.baseModel());
            o.put("latent_heads", r.hasLatentHeads());
            o.put("files", r.files());
            o.put("bytes", r.bytes());
            System.out.println(CliSupport.json(o));
        } else {
            System.out.printf(Locale.ROOT, "exported %s (%s, %d files, %.1f MB%s) to %s%n",
                    r.format() == CheckpointExport.Format.ADAPTER ? "a PEFT adapter" : "a merged model",
                    HfModelExport.torchName(r.dtype()), r.files().size(), r.bytes() / 1e6,
                    r.hasLatentHeads() ? ", router in latent_heads.safetensors" : "", r.out());
        }
        return 0;
    }
}

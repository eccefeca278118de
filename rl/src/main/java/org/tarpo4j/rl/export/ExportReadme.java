package org.tarpo4j.rl.export;

import org.tarpo4j.layers.LoraConfig;
import org.tarpo4j.models.export.HfModelExport;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.latent.LatentHeads;

import java.nio.file.Path;

/** The README.md that says what an exported directory holds and how to load it. */
final class ExportReadme {
    private ExportReadme() {}

    static String adapter(Path checkpoint, String base, LoraConfig lora, SafeTensorsDType dtype, boolean heads) {
        String baseName = base == null ? "BASE_MODEL" : base.contains("@") ? base.substring(0, base.indexOf('@')) : base;
        return "# LoRA adapter exported by tarpo4j\n\n"
                + "From `" + checkpoint + "`: a PEFT LoRA adapter (r = " + lora.rank() + ", lora_alpha = " + fmt(lora.alpha())
                + ", on " + String.join(", ", new java.util.TreeSet<>(lora.targets())) + "), weights in "
                + HfModelExport.torchName(dtype) + ", for the base model `" + (base == null ? "(not recorded)" : base) + "`.\n\n"
                + "```python\n"
                + "from transformers import AutoModelForCausalLM\n"
                + "from peft import PeftModel\n"
                + "base = AutoModelForCausalLM.from_pretrained(\"" + baseName + "\")\n"
                + "model = PeftModel.from_pretrained(base, \"path/to/this/directory\")\n"
                + "```\n\n"
                + "vLLM serves it with `--enable-lora --lora-modules NAME=path/to/this/directory`. In tarpo4j:\n"
                + "`./tarpo eval --model " + (base == null ? "BASE_MODEL" : base) + " --adapter path/to/this/directory ...`.\n"
                + (heads ? routerNote() : "");
    }

    static String merged(Path checkpoint, String base, SafeTensorsDType dtype, boolean heads, boolean fromLora) {
        return "# Model exported by tarpo4j\n\n"
                + "From `" + checkpoint + "`: " + (fromLora ? "the LoRA adapters merged into the base model `" + base + "`"
                : "the fully fine-tuned model" + (base == null ? "" : " (started from `" + base + "`)"))
                + ", weights in " + HfModelExport.torchName(dtype) + ", sharded with `model.safetensors.index.json`.\n\n"
                + "```python\n"
                + "from transformers import AutoModelForCausalLM, AutoTokenizer\n"
                + "model = AutoModelForCausalLM.from_pretrained(\"path/to/this/directory\")\n"
                + "tokenizer = AutoTokenizer.from_pretrained(\"path/to/this/directory\")\n"
                + "```\n\n"
                + "vLLM: `vllm serve path/to/this/directory`. In tarpo4j: `./tarpo generate --model path/to/this/directory ...`.\n"
                + (heads ? routerNote() : "");
    }

    private static String routerNote() {
        return "\n## The router\n\n"
                + "`" + LatentHeads.FILE + "` holds TARPO's router (`action_head.*`; HRPO's gate `hrpo_gate.*` when trained"
                + " with it), which decides at each step whether the next input is the sampled token or a mixture of the top-k"
                + " token embeddings. Plain `transformers`, PEFT and vLLM decoding ignore this file: they always feed the"
                + " sampled token, i.e. decode as if every step were routed hard. tarpo4j loads it with the model"
                + " (`--mode tarpo`) and decodes with the router.\n";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}

package org.tarpo4j.models.export;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.io.CheckpointFormatException;
import org.tarpo4j.models.lora.LoraAdapters;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds LoRA adapters into the weights they adapt: {@code W' = W + (alpha / r) · B · A} for a projection
 * {@code y = x Wᵀ} with {@code W [out, in]}, {@code A [r, in]}, {@code B [out, r]}, so that {@code x W'ᵀ} equals the
 * adapted {@code x Wᵀ + (alpha / r) · (x Aᵀ) Bᵀ} up to float rounding.
 */
public final class LoraMerge {
    private LoraMerge() {}

    /**
     * The parameters without adapters: every {@code <module>.weight} that has a {@code <module>.lora_A.weight} and
     * {@code <module>.lora_B.weight} replaced by a new merged array; the others (and the inputs) are left as they are.
     *
     * @throws CheckpointFormatException naming the adapter when one half is missing, the base weight is absent, or
     *     the shapes do not chain ({@code B·A} must have {@code W}'s shape)
     */
    public static Map<String, INDArray> merge(Map<String, INDArray> parameters, double scale) throws CheckpointFormatException {
        Map<String, INDArray> merged = new LinkedHashMap<>();
        parameters.forEach((name, value) -> { if (!LoraAdapters.isAdapterParameter(name)) merged.put(name, value); });
        for (String name : parameters.keySet()) {
            if (!name.endsWith(".lora_A.weight")) {
                if (name.endsWith(".lora_B.weight") && !parameters.containsKey(name.replace(".lora_B.weight", ".lora_A.weight"))) {
                    throw new CheckpointFormatException(name + ": LoRA B without its A");
                }
                continue;
            }
            String module = name.substring(0, name.length() - ".lora_A.weight".length());
            INDArray a = parameters.get(name);
            INDArray b = parameters.get(module + ".lora_B.weight");
            INDArray w = parameters.get(module + ".weight");
            if (b == null) throw new CheckpointFormatException(name + ": LoRA A without its B (" + module + ".lora_B.weight)");
            if (w == null) throw new CheckpointFormatException(name + ": the model has no weight " + module + ".weight to merge it into");
            long[] ws = w.shape(), as = a.shape(), bs = b.shape();
            if (as.length != 2 || bs.length != 2 || ws.length != 2 || bs[1] != as[0] || bs[0] != ws[0] || as[1] != ws[1]) {
                throw new CheckpointFormatException(module + ": LoRA B " + Arrays.toString(bs) + " · A " + Arrays.toString(as)
                        + " does not give the weight's shape " + Arrays.toString(ws));
            }
            merged.put(module + ".weight", w.add(b.mmul(a).muli(scale)));
        }
        return merged;
    }
}

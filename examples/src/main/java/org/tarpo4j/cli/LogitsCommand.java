package org.tarpo4j.cli;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.tarpo4j.models.CausalLm;
import org.tarpo4j.models.io.SafeTensorsDType;
import org.tarpo4j.models.io.SafeTensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Writes the logits [T, V] of one unpadded sequence (positions 0..T-1) as a safetensors file "
                + "with one F32 tensor 'logits'.")
final class LogitsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "a Hugging Face model directory or hub id (namespace/name[@revision], from the HF cache or downloaded)")
    String model;

    @Option(names = "--ids", required = true, split = ",", description = "token ids, e.g. 1,2,3")
    int[] ids;

    @Option(names = "--out", required = true, description = "output .safetensors file")
    Path out;

    @Override
    public Integer call() throws Exception {
        try (CausalLm lm = CausalLm.fromPretrained(model)) {
            INDArray logits = lm.logits(ids);
            Map<String, INDArray> tensors = new LinkedHashMap<>();
            tensors.put("logits", logits);
            SafeTensorsWriter.write(out, tensors, SafeTensorsDType.F32, Map.of("format", "pt"));
            System.out.println("wrote logits " + java.util.Arrays.toString(logits.shape()) + " to " + out);
        }
        return 0;
    }
}

package org.tarpo4j.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.models.DataDirectory;

import java.io.IOException;
import java.nio.file.Path;

/** The shared tiny random Llama and the ONNX Runtime reference computed on it. */
final class TinyLlamaFixture {
    static final String ROOT = "models/tiny-random-llama-ortgenai";

    private TinyLlamaFixture() {}

    static Path hfDir() { return DataDirectory.require(ROOT + "/hf"); }

    static Path onnxModel() { return DataDirectory.require(ROOT + "/original/model.onnx"); }

    static Path referenceLogits() { return DataDirectory.require(ROOT + "/reference/ort_logits.safetensors"); }

    static JsonNode reference() throws IOException {
        return new ObjectMapper().readTree(DataDirectory.require(ROOT + "/reference/ort_reference.json").toFile());
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }
}

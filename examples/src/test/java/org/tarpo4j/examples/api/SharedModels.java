package org.tarpo4j.examples.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.models.DataDirectory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The shared tiny models the examples run on, and what their tests read from them. */
final class SharedModels {
    private static final String TINY_LLAMA = "models/tiny-random-llama-ortgenai";

    private SharedModels() {}

    /** A 2-layer random Llama (d=16, vocab 32,000) with its Llama-2 tokenizer, in Hugging Face layout. */
    static Path tinyLlama() { return DataDirectory.require(TINY_LLAMA + "/hf"); }

    /** ONNX Runtime's prompts, ids and greedy continuations on the same weights. */
    static JsonNode ortReference() throws IOException {
        return new ObjectMapper().readTree(DataDirectory.require(TINY_LLAMA + "/reference/ort_reference.json").toFile());
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asInt();
        return out;
    }

    interface Body { void run() throws Exception; }

    /** What {@code body} printed to standard output. */
    static String stdoutOf(Body body) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setOut(original);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}

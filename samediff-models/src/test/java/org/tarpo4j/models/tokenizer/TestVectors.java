package org.tarpo4j.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.tarpo4j.models.DataDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** Reads the llama.cpp tokenizer test vectors in {@code shared/tokenizers/testvectors/} (one {@code {"text","ids"}} a line). */
final class TestVectors {
    /** One reference encoding, made by HF with {@code add_special_tokens=False}. */
    record Case(int line, String text, int[] ids) {
        @Override
        public String toString() {
            // JUnit shows this as the case name; escape so whitespace-only cases stay readable
            return "line " + line + ": " + text.replace("\n", "\\n").replace("\t", "\\t").replace(" ", "\u2423");
        }
    }

    private TestVectors() {}

    static List<Case> read(String relative) {
        ObjectMapper json = new ObjectMapper();
        try {
            List<String> lines = Files.readAllLines(DataDirectory.require(relative), StandardCharsets.UTF_8);
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                JsonNode node = json.readTree(lines.get(i));
                JsonNode idsNode = node.get("ids");
                int[] ids = new int[idsNode.size()];
                for (int j = 0; j < ids.length; j++) ids[j] = idsNode.get(j).asInt();
                cases.add(new Case(i + 1, node.get("text").asText(), ids));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

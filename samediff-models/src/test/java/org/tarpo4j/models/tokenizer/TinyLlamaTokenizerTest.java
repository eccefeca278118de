package org.tarpo4j.models.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.tarpo4j.models.DataDirectory;

import java.io.IOException;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Llama-2 SentencePiece-BPE tokenizer of the tiny-random-llama fixture against the ids fed to ONNX Runtime. */
class TinyLlamaTokenizerTest {
    private static final String MODEL = "models/tiny-random-llama-ortgenai/";

    @Test
    void reproducesTheReferenceInputIdsWithBos() throws IOException {
        JsonNode prompts = new ObjectMapper()
                .readTree(DataDirectory.require(MODEL + "reference/ort_reference.json").toFile()).get("prompts");
        assertEquals(2, prompts.size());
        try (HfTokenizer tok = HfTokenizer.load(DataDirectory.require(MODEL + "hf"))) {
            for (JsonNode prompt : prompts) {
                JsonNode idsNode = prompt.get("input_ids");
                int[] expected = new int[idsNode.size()];
                for (int i = 0; i < expected.length; i++) expected[i] = idsNode.get(i).asInt();
                assertArrayEquals(expected, tok.encode(prompt.get("text").asText(), true), prompt.get("name").asText());
            }
        }
    }

    @Test
    void specialTokensAndVocabSize() throws IOException {
        try (HfTokenizer tok = HfTokenizer.load(DataDirectory.require(MODEL + "hf/tokenizer.json"))) {
            assertEquals(OptionalInt.of(1), tok.bosTokenId());
            assertEquals(OptionalInt.of(2), tok.eosTokenId());
            assertEquals(OptionalInt.of(0), tok.padTokenId()); // pad_token is <unk>
            assertEquals(OptionalInt.of(2048), tok.modelMaxLength());
            assertEquals(32000, tok.vocabSize()); // the three added tokens are already in the model vocab
            assertEquals("BPE", tok.modelType());
            int[] ids = tok.encode("Natalia sold 48 clips in April.", true);
            assertEquals(1, ids[0]);
            assertEquals("Natalia sold 48 clips in April.", tok.decode(ids, true));
        }
    }
}

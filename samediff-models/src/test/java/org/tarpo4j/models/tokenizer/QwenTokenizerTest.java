package org.tarpo4j.models.tokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tarpo4j.models.DataDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Qwen tokenizer (shared/tokenizers/qwen3-npm) against llama.cpp's 43 Qwen2 reference encodings. */
class QwenTokenizerTest {
    static final String TOKENIZER = "tokenizers/qwen3-npm/tokenizer.json";
    private static HfTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        tok = HfTokenizer.load(DataDirectory.require(TOKENIZER));
    }

    @AfterAll
    static void close() {
        if (tok != null) tok.close();
    }

    static List<TestVectors.Case> cases() {
        return TestVectors.read("tokenizers/testvectors/qwen2.cases.jsonl");
    }

    @Test
    void allFortyThreeVectorsArePresent() {
        assertEquals(43, cases().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesExactlyAsHuggingFace(TestVectors.Case c) {
        assertArrayEquals(c.ids(), tok.encode(c.text(), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodeRoundTripsTheText(TestVectors.Case c) {
        assertEquals(c.text(), tok.decode(tok.encode(c.text(), false), false));
    }

    @Test
    void addSpecialTokensAddsNothingBecauseQwenHasNoBos() {
        assertArrayEquals(tok.encode("Hello world", false), tok.encode("Hello world", true));
    }

    @Test
    void specialTokensComeFromTokenizerConfig() {
        assertEquals(OptionalInt.empty(), tok.bosTokenId());
        assertEquals(OptionalInt.of(151645), tok.eosTokenId()); // <|im_end|>
        assertEquals(OptionalInt.of(151643), tok.padTokenId()); // <|endoftext|>
        assertEquals(OptionalInt.of(131072), tok.modelMaxLength());
    }

    @Test
    void vocabSizeCountsRegularAndAddedTokens() {
        assertEquals(151_643 + 26, tok.vocabSize());
    }

    @Test
    void tokenIdLookupsCoverRegularAndAddedTokens() {
        assertEquals(OptionalInt.of(151644), tok.tokenToId("<|im_start|>"));
        assertEquals(Optional.of("<|im_start|>"), tok.idToToken(151644));
        assertEquals(OptionalInt.of(198), tok.tokenToId("\u010a")); // byte-level "\n"
        assertEquals(Optional.of("user"), tok.idToToken(872));
        assertEquals(OptionalInt.empty(), tok.tokenToId("definitely not a token"));
        assertEquals(Optional.empty(), tok.idToToken(-1));
        assertEquals(Optional.empty(), tok.idToToken(tok.vocabSize()));
    }

    @Test
    void decodeCanSkipSpecialTokens() {
        int[] ids = {151644, 872, 198, 9707, 151645};
        assertEquals("<|im_start|>user\nHello<|im_end|>", tok.decode(ids, false));
        assertEquals("user\nHello", tok.decode(ids, true));
    }

    @Test
    void loadsFromTheDirectoryToo() throws IOException {
        Path file = DataDirectory.require(TOKENIZER);
        try (HfTokenizer fromDir = HfTokenizer.load(file.getParent())) {
            assertEquals(file.toAbsolutePath().normalize(), fromDir.path());
            assertArrayEquals(tok.encode("What is 2+3?", false), fromDir.encode("What is 2+3?", false));
            assertEquals(OptionalInt.of(151645), fromDir.eosTokenId());
        }
    }

    @Test
    void longInputIsNotTruncated() {
        // DJL truncates to 512 tokens unless told otherwise; 2500 distinct-number sentences give thousands of tokens
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 2500; i++) text.append("Sentence ").append(i).append(" is here.\n");
        int[] ids = tok.encode(text.toString(), false);
        assertTrue(ids.length > 2000, "only " + ids.length + " tokens");
        // a truncated encoding could not decode back to the whole text, and would lose the final line's tokens
        int[] lastLine = tok.encode("Sentence 2499 is here.\n", false);
        int[] tail = java.util.Arrays.copyOfRange(ids, ids.length - lastLine.length, ids.length);
        assertArrayEquals(lastLine, tail);
        assertEquals(text.toString(), tok.decode(ids, false));
    }
}

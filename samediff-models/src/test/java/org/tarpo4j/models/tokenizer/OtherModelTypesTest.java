package org.tarpo4j.models.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Small hand-written WordLevel and Unigram tokenizers: their vocabularies are stored differently from BPE's. */
class OtherModelTypesTest {
    @TempDir Path dir;

    @Test
    void wordLevelWithWhitespacePreTokenizer() throws IOException {
        Path p = Files.writeString(dir.resolve("tokenizer.json"), """
                {"version":"1.0","added_tokens":[
                   {"id":3,"content":"[EOS]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
                 "pre_tokenizer":{"type":"Whitespace"},
                 "model":{"type":"WordLevel","vocab":{"[UNK]":0,"hello":1,"world":2,"[EOS]":3},"unk_token":"[UNK]"}}
                """);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\":\"[EOS]\",\"pad_token\":null}");
        try (HfTokenizer tok = HfTokenizer.load(p)) {
            assertArrayEquals(new int[] {1, 0, 2, 3}, tok.encode("hello there world[EOS]", false));
            assertEquals(4, tok.vocabSize());
            assertEquals("WordLevel", tok.modelType());
            assertEquals(OptionalInt.of(3), tok.eosTokenId());
            assertEquals(OptionalInt.empty(), tok.padTokenId());
            assertEquals(OptionalInt.empty(), tok.modelMaxLength());
            assertEquals(Optional.of("world"), tok.idToToken(2));
        }
    }

    @Test
    void unigramVocabularyIsAListOfPieceScorePairs() throws IOException {
        Path p = Files.writeString(dir.resolve("tokenizer.json"), """
                {"model":{"type":"Unigram","unk_id":0,
                  "vocab":[["<unk>",0.0],["a",-3.0],["b",-3.0],["ab",-1.0],["<eos>",0.0]]},
                 "added_tokens":[
                   {"id":4,"content":"<eos>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
                   {"id":5,"content":"<extra>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}]}
                """);
        try (HfTokenizer tok = HfTokenizer.load(p)) {
            assertArrayEquals(new int[] {3, 1, 4}, tok.encode("aba<eos>", false));
            assertEquals(6, tok.vocabSize()); // 5 pieces + one added token outside the model vocabulary
            assertEquals("Unigram", tok.modelType());
            assertEquals(OptionalInt.of(3), tok.tokenToId("ab"));
            assertEquals(OptionalInt.of(5), tok.tokenToId("<extra>"));
            assertEquals(Optional.of("<extra>"), tok.idToToken(5));
        }
    }
}

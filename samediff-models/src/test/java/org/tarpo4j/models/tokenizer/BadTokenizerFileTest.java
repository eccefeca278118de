package org.tarpo4j.models.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.DataDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken or unsupported tokenizer files give a {@link TokenizerFormatException} that names the file. */
class BadTokenizerFileTest {
    @TempDir Path dir;

    private TokenizerFormatException loadFails(Path path) {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> HfTokenizer.load(path).close());
        assertTrue(e.getMessage().contains(path.getFileName().toString()), e.getMessage());
        return e;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("no-such-tokenizer.json");
        TokenizerFormatException e = loadFails(missing);
        assertMentions(e, missing.toString(), "not found");
        assertEquals(missing, e.file());
    }

    @Test
    void directoryWithoutTokenizerJson() {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> HfTokenizer.load(dir));
        assertMentions(e, dir.resolve("tokenizer.json").toString(), "not found");
    }

    @Test
    void truncatedAtHalf() throws IOException {
        byte[] full = Files.readAllBytes(DataDirectory.require(QwenTokenizerTest.TOKENIZER));
        Path half = Files.write(dir.resolve("half-tokenizer.json"), Arrays.copyOf(full, full.length / 2));
        assertMentions(loadFails(half), half.toString(), "not valid JSON", "line", "column");
    }

    @Test
    void notJson() throws IOException {
        Path p = write("tokenizer.json", "<html>404 Not Found</html>\n");
        assertMentions(loadFails(p), p.toString(), "not valid JSON", "line 1", "column");
    }

    @Test
    void emptyFile() throws IOException {
        assertMentions(loadFails(write("tokenizer.json", "")), "empty");
    }

    @Test
    void trailingGarbageAfterTheObject() throws IOException {
        assertMentions(loadFails(write("tokenizer.json", "{\"model\":{\"type\":\"BPE\"}} }")), "not valid JSON");
    }

    @Test
    void topLevelNotAnObject() throws IOException {
        assertMentions(loadFails(write("tokenizer.json", "[1, 2, 3]")), "object");
    }

    @Test
    void missingModel() throws IOException {
        assertMentions(loadFails(write("tokenizer.json", "{\"version\":\"1.0\",\"added_tokens\":[]}")), "\"model\"");
    }

    @Test
    void unsupportedModelType() throws IOException {
        Path p = write("tokenizer.json", "{\"model\":{\"type\":\"Tiktoken\",\"vocab\":{\"a\":0}}}");
        assertMentions(loadFails(p), "Tiktoken", "BPE", "WordPiece", "WordLevel", "Unigram");
    }

    @Test
    void missingModelType() throws IOException {
        assertMentions(loadFails(write("tokenizer.json", "{\"model\":{\"vocab\":{\"a\":0}}}")), "model.type");
    }

    @Test
    void idsThatAreNotTokenIdsNameTheirEntry() throws IOException {
        // negative, or beyond an int (which the JSON parser used to report as a bare numeric overflow)
        for (String id : new String[]{"-1", "4294967296"}) {
            Path p = write("tokenizer.json", "{\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"a\":0,\"b\":" + id
                    + "},\"unk_token\":\"a\"}}");
            assertMentions(loadFails(p), "model.vocab[\"b\"]", id);
            p = write("tokenizer.json", "{\"added_tokens\":[{\"id\":" + id + ",\"content\":\"<s>\"}],"
                    + "\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"a\":0},\"unk_token\":\"a\"}}");
            assertMentions(loadFails(p), "added_tokens", id);
        }
    }

    @Test
    void errorFromTheNativeLibraryIsWrappedWithTheFileName() throws IOException {
        // passes our structural checks but the Rust deserialiser rejects it: a WordLevel without unk_token
        Path p = write("tokenizer.json", "{\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"a\":0},\"unk_token\":7}}");
        TokenizerFormatException e = loadFails(p);
        assertMentions(e, p.toString());
        assertTrue(e.getCause() != null, "the native error is kept as the cause");
    }

    @Test
    void brokenTokenizerConfigIsNamed() throws IOException {
        Files.copy(DataDirectory.require(QwenTokenizerTest.TOKENIZER), dir.resolve("tokenizer.json"));
        Path config = write("tokenizer_config.json", "{\"eos_token\": ");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> HfTokenizer.load(dir).close());
        assertMentions(e, config.toString(), "not valid JSON");
    }

    @Test
    void specialTokenMissingFromTheVocabularyIsAnError() throws IOException {
        Files.copy(DataDirectory.require(QwenTokenizerTest.TOKENIZER), dir.resolve("tokenizer.json"));
        Path config = write("tokenizer_config.json", "{\"eos_token\": {\"content\": \"<|no_such_token|>\"}}");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> HfTokenizer.load(dir).close());
        assertMentions(e, config.toString(), "<|no_such_token|>", "eos_token");
    }
}

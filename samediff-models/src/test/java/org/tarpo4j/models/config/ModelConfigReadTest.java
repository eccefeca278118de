package org.tarpo4j.models.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.decoder.TinyModels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code config.json} faults the fuzz suite found: each is an error naming the file and the field. */
class ModelConfigReadTest {
    @TempDir Path dir;

    private Path written(String text) throws IOException {
        return Files.writeString(dir.resolve("config.json"), text);
    }

    private String valid() {
        return TinyModels.qwen2Config().toJson().toString();
    }

    @Test
    void theValidConfigReads() throws IOException {
        assertEquals(TinyModels.qwen2Config(), ModelConfig.read(written(valid())));
    }

    @Test
    void trailingContentIsAnError() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.read(written(valid() + " {}")));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("JSON"), e.getMessage());
    }

    @Test
    void jsonNestedTooDeepIsAnErrorNotANullPointerException() throws IOException {
        // the parser's nesting error has no location, which the message used to dereference
        String text = "{\"rope_scaling\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
        ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.read(written(text)));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void aTokenIdBeyondAnIntIsAnErrorNotAWrappedId() throws IOException {
        // 2^32 + 2 used to be read as 2, a valid id
        for (String eos : new String[]{"4294967298", "[4294967298]", "[2, 4294967298]"}) {
            String text = valid().replaceFirst("\"eos_token_id\":\\s*2", "\"eos_token_id\": " + eos);
            ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.read(written(text)), eos);
            assertTrue(e.getMessage().contains("eos_token_id"), e.getMessage());
        }
    }
}

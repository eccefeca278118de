package org.tarpo4j.models.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing model references, and reading the hub settings from environment variables as huggingface_hub does. */
class ReferencesAndSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void hubIdsRevisionsAndDirectoriesAreToldApart() throws Exception {
        var hub = assertInstanceOf(ModelReference.HubRepository.class, ModelReference.parse("Qwen/Qwen2.5-0.5B-Instruct"));
        assertEquals("Qwen/Qwen2.5-0.5B-Instruct", hub.repoId());
        assertNull(hub.revision());
        assertEquals("main", hub.revisionOrDefault());
        var pinned = assertInstanceOf(ModelReference.HubRepository.class, ModelReference.parse("meta-llama/Llama-3.1-8B@refs/pr/12"));
        assertEquals("refs/pr/12", pinned.revision());
        assertEquals("meta-llama/Llama-3.1-8B@refs/pr/12", pinned.toString());

        assertInstanceOf(ModelReference.LocalDirectory.class, ModelReference.parse("/models/qwen"));
        assertInstanceOf(ModelReference.LocalDirectory.class, ModelReference.parse("./runs/x"));
        assertInstanceOf(ModelReference.LocalDirectory.class, ModelReference.parse("runs/a/checkpoint-3"));
        assertInstanceOf(ModelReference.LocalDirectory.class, ModelReference.parse("warm-start"));
        // an existing directory shaped like a hub id stays a directory
        Path dir = Files.createDirectories(Path.of("target", "hub-id-shaped-dir")); // "target/hub-id-shaped-dir"
        try {
            assertInstanceOf(ModelReference.LocalDirectory.class, ModelReference.parse("target/hub-id-shaped-dir"));
        } finally {
            Files.delete(dir);
        }
        assertInstanceOf(ModelReference.HubRepository.class, ModelReference.parse("target/no-such-dir"));

        for (String bad : new String[]{"org/name@", "org/name@../../etc", "org/na--me", "org/name.", "org/name@a b"}) {
            assertThrows(IllegalArgumentException.class, () -> ModelReference.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> ModelReference.parse(" "));
    }

    @Test
    void settingsFollowHuggingFaceHubsVariablesAndPrecedence() throws Exception {
        Path home = tmp.resolve("home");
        HubSettings defaults = HubSettings.fromEnvironment(Map.of(), home);
        assertEquals(home.resolve(".cache/huggingface/hub"), defaults.cacheDir());
        assertEquals("https://huggingface.co", defaults.endpoint());
        assertFalse(defaults.offline());
        assertNull(defaults.token());
        assertEquals(Duration.ofSeconds(10), defaults.timeout());

        assertEquals(tmp.resolve("xdg/huggingface/hub"), HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", tmp.resolve("xdg").toString()), home).cacheDir());
        assertEquals(tmp.resolve("hf/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", tmp.resolve("hf").toString(),
                "XDG_CACHE_HOME", tmp.resolve("xdg").toString()), home).cacheDir());
        assertEquals(tmp.resolve("legacy"), HubSettings.fromEnvironment(Map.of("HF_HOME", tmp.resolve("hf").toString(),
                "HUGGINGFACE_HUB_CACHE", tmp.resolve("legacy").toString()), home).cacheDir());
        assertEquals(tmp.resolve("new"), HubSettings.fromEnvironment(Map.of("HF_HUB_CACHE", tmp.resolve("new").toString(),
                "HUGGINGFACE_HUB_CACHE", tmp.resolve("legacy").toString()), home).cacheDir());
        assertEquals(home.resolve("models/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "~/models"), home).cacheDir());

        for (String yes : new String[]{"1", "true", "ON", "yes"}) {
            assertTrue(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", yes), home).offline(), yes);
        }
        assertTrue(HubSettings.fromEnvironment(Map.of("TRANSFORMERS_OFFLINE", "1"), home).offline());
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", "0"), home).offline());

        assertEquals("http://127.0.0.1:8080/mirror", HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "http://127.0.0.1:8080/mirror/"), home).endpoint());
        assertEquals(Duration.ofMillis(2500), HubSettings.fromEnvironment(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "2.5"), home).timeout());

        // the token: HF_TOKEN, then the legacy variable, then the file `huggingface-cli login` writes
        Path tokenFile = Files.createDirectories(home.resolve(".cache/huggingface")).resolve("token");
        Files.writeString(tokenFile, "hf_from_file\n");
        assertEquals("hf_from_file", HubSettings.fromEnvironment(Map.of(), home).token());
        assertEquals("hf_legacy", HubSettings.fromEnvironment(Map.of("HUGGING_FACE_HUB_TOKEN", "hf_legacy"), home).token());
        assertEquals("hf_env", HubSettings.fromEnvironment(Map.of("HF_TOKEN", "hf_env", "HUGGING_FACE_HUB_TOKEN", "hf_legacy"), home).token());
        assertFalse(HubSettings.fromEnvironment(Map.of("HF_TOKEN", "hf_secret"), home).toString().contains("hf_secret"));

        assertThrows(IllegalArgumentException.class, () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x"), home));
        assertThrows(IllegalArgumentException.class, () -> HubSettings.fromEnvironment(Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "soon"), home));
    }
}

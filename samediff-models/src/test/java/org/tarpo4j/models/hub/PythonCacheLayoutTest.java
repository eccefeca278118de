package org.tarpo4j.models.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tarpo4j.models.DataDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cache laid out exactly as Python's {@code huggingface_hub} leaves it after {@code snapshot_download} (blobs named
 * by ETag, snapshot files as relative links {@code ../../blobs/ETAG}, {@code refs/main} without a newline,
 * {@code .no_exist} markers, an unrelated older snapshot, a lock directory) is read as is, without any request: the
 * endpoint is a closed port, and not being offline must not matter.
 */
class PythonCacheLayoutTest {
    private static final Path TINY = DataDirectory.require("models/tiny-random-llama-ortgenai/hf");
    private static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
    private static final String OLD_COMMIT = "00000000000000000000000000000000000000aa";

    @TempDir
    Path tmp;

    /** What huggingface_hub writes for {@code snapshot_download("tiny-org/tiny-llama")}. */
    private Path pythonCache() throws IOException {
        Path cache = tmp.resolve("hf-home/hub");
        Path repo = cache.resolve("models--tiny-org--tiny-llama");
        Files.createDirectories(repo.resolve("blobs"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")) {
            byte[] content = Files.readAllBytes(TINY.resolve(f));
            String etag = f.endsWith(".safetensors") ? FakeHub.sha256(content) : FakeHub.gitSha1(content);
            Files.write(repo.resolve("blobs").resolve(etag), content);
            Path pointer = Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT)).resolve(f);
            Files.createSymbolicLink(pointer, Path.of("../../blobs/" + etag));
        }
        Files.createDirectories(repo.resolve(".no_exist").resolve(COMMIT));
        Files.createFile(repo.resolve(".no_exist").resolve(COMMIT).resolve("generation_config.json"));
        // an older snapshot with only a config, as a previous partial download leaves
        Path old = Files.createDirectories(repo.resolve("snapshots").resolve(OLD_COMMIT));
        Files.createSymbolicLink(old.resolve("config.json"), Path.of("../../blobs/" + FakeHub.gitSha1(Files.readAllBytes(TINY.resolve("config.json")))));
        Files.createDirectories(cache.resolve(".locks/models--tiny-org--tiny-llama"));
        return cache;
    }

    private static HubSettings unreachable(Path cache) {
        return new HubSettings("http://127.0.0.1:9", null, false, cache, Duration.ofSeconds(2)); // port 9: discard, closed
    }

    @Test
    void aCacheFilledByHuggingFaceHubIsUsedAsIs() throws Exception {
        Path cache = pythonCache();
        ModelResolver resolver = new ModelResolver(unreachable(cache), null);
        Path expected = cache.resolve("models--tiny-org--tiny-llama/snapshots").resolve(COMMIT);
        assertEquals(expected, resolver.resolve("tiny-org/tiny-llama"));
        assertEquals(expected, resolver.resolve("tiny-org/tiny-llama@main"));
        assertEquals(expected, resolver.resolve("tiny-org/tiny-llama@" + COMMIT));
        assertArrayEquals(HubDownloadTest.logits(TINY), HubDownloadTest.logits(expected));
    }

    @Test
    void theEnvironmentVariablesFindThatCache() throws Exception {
        Path cache = pythonCache();
        Path hfHome = cache.getParent();
        HubSettings fromHome = HubSettings.fromEnvironment(java.util.Map.of("HF_HOME", hfHome.toString(),
                "HF_ENDPOINT", "http://127.0.0.1:9"), tmp);
        assertEquals(cache, fromHome.cacheDir());
        assertTrue(Files.isDirectory(new ModelResolver(fromHome, null).resolve("tiny-org/tiny-llama")));
    }

    @Test
    void anIncompleteSnapshotIsNotMistakenForAModel() throws Exception {
        Path cache = pythonCache();
        ModelResolver resolver = new ModelResolver(unreachable(cache), null);
        // the older commit has a config but no weights: online, that means asking the hub, which is unreachable here
        HubException e = assertThrows(HubException.class, () -> resolver.resolve("tiny-org/tiny-llama@" + OLD_COMMIT));
        assertEquals(HubException.Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
        HubException offline = assertThrows(HubException.class,
                () -> new ModelResolver(unreachable(cache).withOffline(true), null).resolve("tiny-org/tiny-llama@" + OLD_COMMIT));
        assertEquals(HubException.Kind.NOT_CACHED, offline.kind());
        assertTrue(offline.getMessage().contains(OLD_COMMIT) && offline.getMessage().contains("safetensors"), offline.getMessage());
    }
}
